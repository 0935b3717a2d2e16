/**
 * @mlblocks/word2vec/node — the Node-only half: Hogwild training on worker threads, word2vec and
 * projector files (written atomically), and the corpora shipped in npm packages. It re-exports the
 * main entry, so Node code can import everything from here.
 */
export * from './index.js';
export { loadSentences, type SentenceCorpus } from './node/corpora.js';
export { loadWord2Vec, type SaveWord2VecOptions, saveProjectorTsv, saveWord2Vec } from './node/files.js';
export { type ParallelTrainOptions, shards, trainWord2VecParallel } from './node/hogwild.js';
