/**
 * @mlblocks/rnn-lm — language models: the fixed-window neural LM (Bengio 2003) and recurrent LMs
 * (tanh RNN, LSTM, GRU; stacked, dropout, tied embeddings) at word or character level; the
 * trainer (truncated BPTT with the state carried, gradient clipping, LR on plateau, NaN guard),
 * perplexity and bits per character over whole streams; seeded streaming generation (greedy,
 * temperature, top-k, top-p). This entry runs anywhere (no `node:` import); the SOTU corpus and
 * checkpoint folders live in `@mlblocks/rnn-lm/node`.
 */

export { BagOfFeaturesClassifier, type BagOfFeaturesOptions } from './classify/bag.js';
export { type PaddedBatch, type PadOptions, padSequences } from './classify/batch.js';
export {
  type SequenceCell,
  SequenceClassifier,
  type SequenceClassifierOptions,
  type SequencePooling,
} from './classify/classifier.js';
export {
  type CharCorpusOptions,
  charCorpus,
  encodeText,
  joinTokens,
  type LMCorpus,
  type TokenLevel,
  WORD_SPECIALS,
  type WordCorpusOptions,
  wordCorpus,
} from './data/corpus.js';
export { CheckpointMismatchError, CorpusError, NonFiniteLossError, UnknownTokenError } from './errors.js';
export { type GeneratedToken, type GenerateOptions, generate, generateText } from './generate/generate.js';
export { checkSampling, type SamplingOptions, sampleToken } from './generate/sampling.js';
export {
  configDifferences,
  type LMConfig,
  lmConfig,
  MODEL_KINDS,
  type ModelKind,
  validateConfig,
} from './models/config.js';
export { createModel } from './models/create.js';
export { detachState, type LMState, RecurrentLM, type RecurrentOutput } from './models/recurrent.js';
export { FixedWindowLM, type ModelOptions } from './models/window.js';
// seq2seq: the encoder–decoder with optional attention, greedy and beam-search decoding
export {
  AdditiveAttention,
  type Attended,
  type Attention,
  attend,
  DotAttention,
} from './seq2seq/attention.js';
export {
  ATTENTION_KINDS,
  type AttentionKind,
  SEQ2SEQ_CELLS,
  type Seq2SeqCell,
  type Seq2SeqConfig,
  seq2seqConfig,
  validateSeq2SeqConfig,
} from './seq2seq/config.js';
export {
  type BeamOptions,
  beamSearch,
  type Decoded,
  type DecodeOptions,
  greedyDecode,
} from './seq2seq/decode.js';
export {
  type DecoderState,
  type DecoderStep,
  type EncoderMemory,
  IGNORE_INDEX,
  Seq2Seq,
  type Seq2SeqOptions,
  type Seq2SeqOutput,
} from './seq2seq/model.js';
export {
  contextsAt,
  type EvalOptions,
  type Evaluation,
  eosId,
  evaluateLM,
  evaluateLMAsync,
  type LanguageModel,
  LMTrainer,
  type TrainerState,
  type TrainOptions,
} from './train/trainer.js';
