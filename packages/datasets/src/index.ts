/**
 * @mlblocks/datasets — data for the lessons: images (IDX / MNIST), text (tokenizers, vocabularies,
 * word2vec and language-model helpers) and the DataLoader. This entry runs anywhere: it imports no
 * `node:` module. Files, downloads and npm-shipped data live in `@mlblocks/datasets/node`.
 */
export { ChecksumError, DataFormatError, DataNotFoundError, DownloadError } from './errors.js';
export { decodeIdx, type GunzipOptions, gunzip } from './idx/gunzip.js';
export {
  DEFAULT_MAX_IDX_BYTES,
  encodeIdx,
  IDX_DTYPES,
  type IdxArray,
  type IdxDType,
  type IdxExpectation,
  type IdxHeader,
  type IdxTypedArrayFor,
  isGzip,
  parseIdx,
  readIdxHeader,
} from './idx/idx-format.js';
export { FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES } from './images/class-names.js';
export { type DigitFile, EMBEDDED_MNIST_SPLIT, embeddedMnistFromDigits } from './images/embedded-mnist.js';
export {
  ImageDataset,
  type ImageDatasetInit,
  type ImageSplit,
  imageDatasetFromIdx,
} from './images/image-dataset.js';
export { type IndexSplit, stratifiedSplit } from './images/stratified-split.js';
export {
  castTo,
  compose,
  flatten,
  normalize,
  oneHotLabels,
  pixelMeanStd,
  type Transform,
  toFloat,
} from './images/transforms.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './loading/data-loader.js';
export { arrayDataset, type Dataset, type Field, sampleSize } from './loading/dataset.js';
export { permutation, shuffleInPlace } from './loading/shuffle.js';
export { type Corpus, corpusFromText, corpusText, type TextDocument } from './text/corpus.js';
export { type BpttWindow, batchify, bpttWindowCount, bpttWindows } from './text/language-model.js';
export { type SplitFractions, type TrainValidTest, trainValidTestSplit } from './text/splits.js';
export {
  type CharTokenizerOptions,
  type SentenceTokenizerOptions,
  tokenizeChars,
  tokenizeSentences,
  tokenizeWords,
  type WordTokenizerOptions,
} from './text/tokenize.js';
export { countTokens, Vocabulary, type VocabularyJSON, type VocabularyOptions } from './text/vocabulary.js';
export {
  type AliasTable,
  aliasTable,
  type CountsLike,
  negativeSamplingTable,
  type SubsamplingOptions,
  sampleAlias,
  sampleNegatives,
  subsamplingKeepProbabilities,
  unigramDistribution,
} from './text/word2vec.js';
