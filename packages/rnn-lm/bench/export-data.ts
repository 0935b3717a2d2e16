// Writes the corpora of the quality targets as little-endian int32 files plus targets.json, for
// bench/torch_reference.py (so PyTorch trains on exactly our split and ids):
//   tsx --conditions=@mlblocks/source bench/export-data.ts DIR [SHAKESPEARE_TXT]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { charCorpus, type LMCorpus } from '../src/index.js';
import { loadSotuCorpus } from '../src/node.js';
import { TARGETS } from './targets.js';

const dir = process.argv[2] ?? '/tmp/rnn-lm-data';
const shakespeare =
  process.argv[3] ?? new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const write = (c: LMCorpus, name: string) => {
  for (const split of ['train', 'valid', 'test'] as const) {
    const ids = c[split];
    if (ids)
      writeFileSync(
        join(dir, `${name}.${split}.i32`),
        new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength),
      );
  }
  return { vocabSize: c.vocab.size, eos: c.vocab.has('<eos>') ? c.vocab.idOf('<eos>') : 0 };
};
const corpora = {
  sotu: write(loadSotuCorpus(), 'sotu'),
  shakespeare: write(charCorpus(readFileSync(shakespeare, 'utf8'), { name: 'shakespeare' }), 'shakespeare'),
};
writeFileSync(join(dir, 'targets.json'), JSON.stringify({ corpora, targets: TARGETS }, null, 1));
console.log(`wrote ${dir}`);
