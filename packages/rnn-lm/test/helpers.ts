import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared tinyshakespeare text beside the checkout (tests and benches only; null when absent). */
export const SHAKESPEARE_PATH = fileURLToPath(
  new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url),
);
export const shakespeare = existsSync(SHAKESPEARE_PATH) ? readFileSync(SHAKESPEARE_PATH, 'utf8') : null;

/** A small text with structure a tiny model picks up within a few steps. */
export function toyText(sentences = 400): string {
  const subjects = ['the cat', 'a dog', 'the bird', 'my friend'];
  const verbs = ['sat on', 'ran to', 'looked at', 'jumped over'];
  const objects = ['the mat', 'a tree', 'the house', 'the river'];
  const out: string[] = [];
  let x = 7;
  for (let i = 0; i < sentences; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(`${subjects[x % 4]} ${verbs[(x >>> 8) % 4]} ${objects[(x >>> 16) % 4]}.`);
  }
  return out.join(' ');
}
