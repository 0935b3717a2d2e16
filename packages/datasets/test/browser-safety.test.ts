import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The main entry must run in browsers: nothing reachable from src/index.ts may import a Node
// built-in or the terminal progress bar. Follows relative imports through the sources.
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith('.')) stack.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('browser build', () => {
  it('src/index.ts reaches no node: module, no fs/zlib/http, no cli-progress', () => {
    const graph = reachable(join(SRC, 'index.ts'));
    expect(graph.size).toBeGreaterThan(10);
    const bad = [...graph].flatMap(([file, specs]) =>
      specs
        .filter(
          (s) =>
            s.startsWith('node:') || /^(fs|zlib|http|https|path|crypto|os)$/.test(s) || s === 'cli-progress',
        )
        .map((s) => `${file.slice(SRC.length)} imports ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('the node entry does reach them (the check can see imports)', () => {
    const graph = reachable(join(SRC, 'node.ts'));
    expect([...graph.values()].flat()).toContain('node:zlib');
  });
});
