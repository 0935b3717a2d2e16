import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCorpus, type TrainingCorpus } from '@mlblocks/word2vec';

/** A committed fixture of this test folder. */
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** shared/data beside the repository (tests may read it; library code never does). */
export const sharedData = (name: string) =>
  fileURLToPath(new URL(`../../../../../shared/data/${name}`, import.meta.url));
export const hasSharedData = (name: string) => existsSync(sharedData(name));

/** A temporary folder, removed by `cleanup`. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'word2vec-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A synthetic corpus with known structure: three topics of six words each; every sentence draws
 * its words from one topic (with the filler word 'the' between them), so words of a topic share
 * contexts and a trained model must put them together.
 */
export function topicCorpus(sentences = 1500, seed = 7): TrainingCorpus {
  const topics = [
    ['king', 'queen', 'prince', 'crown', 'throne', 'royal'],
    ['tax', 'budget', 'deficit', 'revenue', 'spending', 'debt'],
    ['war', 'army', 'battle', 'soldiers', 'navy', 'enemy'],
  ];
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const out: string[][] = [];
  for (let s = 0; s < sentences; s++) {
    const topic = topics[s % 3]!;
    const sentence: string[] = [];
    for (let w = 0; w < 8; w++) {
      sentence.push(topic[next(6)]!);
      if (next(3) === 0) sentence.push('the');
    }
    out.push(sentence);
  }
  return prepareCorpus(out, { minCount: 1, name: 'topics' });
}

export const TOPIC_OF: Record<string, number> = Object.fromEntries(
  [
    ['king', 'queen', 'prince', 'crown', 'throne', 'royal'],
    ['tax', 'budget', 'deficit', 'revenue', 'spending', 'debt'],
    ['war', 'army', 'battle', 'soldiers', 'navy', 'enemy'],
  ].flatMap((words, t) => words.map((w) => [w, t])),
);
