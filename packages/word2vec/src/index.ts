/**
 * @mlblocks/word2vec — skip-gram and CBOW with negative sampling or hierarchical softmax: the fast
 * trainer (WebAssembly SIMD or Float32Array loops), the teaching path on autograd + nn-layers,
 * similarities and analogies, evaluation, the word2vec file formats, projector export and 2-D
 * projections. This entry runs anywhere (no `node:` import); worker threads and files live in
 * `@mlblocks/word2vec/node`.
 */
export {
  type PrepareCorpusOptions,
  prepareCorpus,
  sentencesOf,
  type TrainingCorpus,
} from './corpus/corpus.js';
export {
  CorpusError,
  type FormatPosition,
  UnknownWordError,
  VectorFormatError,
  Word2VecThreadError,
} from './errors.js';
export {
  type AnalogyQuestion,
  type AnalogyReport,
  type AnalogyScore,
  type EvaluateAnalogiesOptions,
  evaluateAnalogies,
  parseAnalogyQuestions,
} from './eval/analogies.js';
export {
  evaluateWordPairs,
  parseWordPairs,
  pearson,
  ranks,
  spearman,
  type WordPair,
  type WordPairsReport,
} from './eval/similarity.js';
export { type ProjectorFiles, projectorTsv } from './formats/projector.js';
export {
  formatFloat32,
  looksBinary,
  parseWord2VecBinary,
  parseWord2VecText,
  serializeWord2VecBinary,
  serializeWord2VecText,
  type Word2VecStyle,
} from './formats/word2vec-format.js';
export {
  type AnalogyOptions,
  cosMulScores,
  KeyedVectors,
  type MostSimilarOptions,
  type Neighbor,
} from './model/keyed-vectors.js';
export { type PcaProjection, type Projection2D, pca2d } from './projection/pca.js';
export { type Umap2dOptions, umap2d } from './projection/umap.js';
export {
  logSigmoid,
  SkipGramModel,
  type TeachingOptions,
  type TeachingResult,
  trainSkipGramTeaching,
} from './teaching/skip-gram-module.js';
export { type HuffmanCodes, huffmanCodes } from './train/huffman.js';
export { updateOutputRow } from './train/kernel.js';
export type {
  Architecture,
  KernelChoice,
  TrainOptions,
  TrainProgress,
} from './train/options.js';
export { simdAvailable } from './train/setup.js';
export { type TrainResult, type TrainStats, trainWord2Vec } from './train/train.js';
