import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromArray } from '@mlblocks/core-tensor';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { beamSearch, type Decoded, greedyDecode, Seq2Seq } from '@mlblocks/rnn-lm';
import { type BackendChoice, selectBackend, writePlot } from 'lesson-kit';
import { encodeWord } from './data.js';
import { attentionSpec } from './plot.js';
import { type CheckpointInfo, requireSyncBackend } from './train.js';

/** A model and its vocabularies, loaded from a checkpoint folder of `train`. */
export interface LoadedG2P {
  model: Seq2Seq;
  info: CheckpointInfo;
}

/** Loads `dir/g2p.json` and `dir/model.safetensors`. */
export async function loadG2P(dir: string, backend?: string): Promise<LoadedG2P> {
  const info = JSON.parse(await readFile(join(dir, 'g2p.json'), 'utf8')) as CheckpointInfo;
  const model = new Seq2Seq(info.config, { backend });
  const { tensors } = await loadSafetensors(join(dir, 'model.safetensors'), { backend });
  model.loadStateDict(tensors);
  model.eval();
  return { model, info };
}

/** The phonemes of a spelling, with the decoder's result (attention weights included). */
export function pronounceWord(
  { model, info }: LoadedG2P,
  word: string,
  beam: number,
  backend?: string,
): { phonemes: string[]; decoded: Decoded } {
  const ids = encodeWord(word);
  const src = fromArray(ids, { shape: [1, ids.length], dtype: 'int32', backend });
  const decoded = beam > 1 ? beamSearch(model, src, { beamWidth: beam })[0]! : greedyDecode(model, src)[0]!;
  src.dispose();
  return { phonemes: decoded.tokens.map((id) => info.phonemes[id]!), decoded };
}

/** `pronounce WORD…`: prints each word's phonemes; with `plotDir`, writes its attention map. */
export async function pronounce(options: {
  words: string[];
  checkpoint: string;
  beam: number;
  backend: BackendChoice;
  plotDir?: string;
  log: (line: string) => void;
}): Promise<string[][]> {
  const backend = await selectBackend(options.backend, options.log);
  try {
    requireSyncBackend(backend.name);
    const loaded = await loadG2P(options.checkpoint, backend.name);
    const out: string[][] = [];
    for (const word of options.words) {
      const { phonemes, decoded } = pronounceWord(loaded, word, options.beam, backend.name);
      options.log(
        `${word.toLowerCase()}  ${phonemes.join(' ')}${decoded.finished ? '' : '  (stopped at the length limit)'}`,
      );
      out.push(phonemes);
      if (options.plotDir && decoded.attention.length > 0) {
        const files = await writePlot(
          attentionSpec(
            word.toLowerCase(),
            phonemes,
            decoded.attention,
            `${word.toLowerCase()}: attention (${loaded.info.config.attention})`,
          ),
          options.plotDir,
          word.toLowerCase(),
        );
        options.log(`  wrote ${files.png} and ${files.svg}`);
      }
    }
    if (options.plotDir && loaded.info.config.attention === 'none') {
      options.log('this model has no attention: no heat maps to draw');
    }
    return out;
  } finally {
    backend.release();
  }
}
