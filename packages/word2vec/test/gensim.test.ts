// Interop with gensim (Debian's python3-gensim) when it is installed: gensim reads what we write
// and we read what gensim writes, value for value. Skipped cleanly without Python or gensim (CI
// has neither); the committed fixture (formats.test.ts) covers the same ground there.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFloat32, KeyedVectors } from '@mlblocks/word2vec';
import { loadWord2Vec, saveWord2Vec } from '@mlblocks/word2vec/node';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/fixtures.js';

const PYTHON = '/usr/bin/python3';
const hasGensim = spawnSync(PYTHON, ['-c', 'import gensim'], { stdio: 'ignore' }).status === 0;
if (!hasGensim)
  console.warn('\n*** word2vec: gensim interop test SKIPPED (no /usr/bin/python3 with gensim)\n');

function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONHASHSEED: '0' },
  });
}

// loads each file named on the command line (binary when it ends in .bin) and prints words and float32 bits
const DUMP = `
import json, sys
from gensim.models import KeyedVectors
out = []
for path in sys.argv[1:]:
    kv = KeyedVectors.load_word2vec_format(path, binary=path.endswith('.bin'))
    out.append({'words': list(kv.index_to_key), 'bits': kv.vectors.view('uint32').flatten().tolist()})
print(json.dumps(out))
`;

type Dump = { words: string[]; bits: number[] }[];

function bits(v: Float32Array): number[] {
  return [...new Uint32Array(v.buffer, v.byteOffset, v.length)];
}

describe.skipIf(!hasGensim)('gensim interop (python3-gensim)', () => {
  const words = ['the', 'café', 'naïve', 'king', 'x1'];
  let x = 99;
  const values = Float32Array.from({ length: words.length * 7 }, (_, i) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return ((x / 2 ** 32 - 0.5) * 10 ** ((i % 9) - 6)) as number;
  });
  const ours = new KeyedVectors(words, values, 7);

  it('gensim reads our text and binary files (both styles) to the same words and float32 bits', async () => {
    const dir = tempDir();
    try {
      const cases = (['gensim', 'c'] as const).flatMap((style) =>
        (['txt', 'bin'] as const).map((ext) => ({ style, ext })),
      );
      const paths = cases.map(({ style, ext }) => join(dir.path, `${style}.${ext}`));
      for (const [i, { style }] of cases.entries()) await saveWord2Vec(ours, paths[i]!, { style });
      const dumps = JSON.parse(python(DUMP, ...paths)) as Dump;
      for (const [i, { style, ext }] of cases.entries()) {
        {
          const read = dumps[i]!;
          expect(read.words, `${style} ${ext}`).toEqual(words);
          if (style === 'gensim' || ext === 'bin') expect(read.bits, `${style} ${ext}`).toEqual(bits(values));
          else {
            // %lf keeps six decimals: gensim reads what the C tool's text holds
            const six = Float32Array.from(values, (v) => Number(v.toFixed(6)));
            expect(read.bits).toEqual(bits(six));
          }
        }
      }
    } finally {
      dir.cleanup();
    }
  });

  it('we read what gensim writes (text and binary) to the same float32 bits', async () => {
    const dir = tempDir();
    try {
      const write = `
import sys
from gensim.models import Word2Vec
sentences = [['the', 'café', 'serves', 'the', 'king'], ['a', 'naïve', 'king', 'and', 'the', 'queen']] * 30
m = Word2Vec(sentences, vector_size=12, min_count=1, seed=5, workers=1, epochs=3)
m.wv.save_word2vec_format(sys.argv[1] + '.txt', binary=False)
m.wv.save_word2vec_format(sys.argv[1] + '.bin', binary=True)
`;
      python(write, join(dir.path, 'g'));
      const paths = ['txt', 'bin'].map((ext) => join(dir.path, `g.${ext}`));
      const dumps = JSON.parse(python(DUMP, ...paths)) as Dump;
      for (const [i, path] of paths.entries()) {
        const expected = dumps[i]!;
        const vectors = await loadWord2Vec(path);
        expect(vectors.words).toEqual(expected.words);
        expect(bits(vectors.vectors)).toEqual(expected.bits);
      }
      expect(readFileSync(join(dir.path, 'g.txt'), 'utf8').split('\n')[0]).toBe('8 12');
    } finally {
      dir.cleanup();
    }
  });

  it("formats float32 exactly as numpy's repr", () => {
    const sample = Float32Array.from({ length: 3000 }, (_, i) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x / 2 ** 32 - 0.5) * 10 ** ((i % 50) - 25);
    });
    const code = `
import sys, json, numpy as np
bits = np.array(json.loads(sys.stdin.read()), dtype=np.uint32)
print('\\n'.join(repr(v) for v in bits.view(np.float32)))
`;
    const out = execFileSync(PYTHON, ['-c', code], { input: JSON.stringify(bits(sample)), encoding: 'utf8' });
    expect([...sample].map(formatFloat32)).toEqual(out.trimEnd().split('\n'));
  });
});
