// Text for the word2vec and language-model lessons: Moby-Dick and the State of the Union addresses,
// shipped in npm packages (no download). Run: pnpm exec tsx --conditions=@mlblocks/source examples/text-corpora.ts
import { Generator } from '@mlblocks/core-tensor';
import {
  batchify,
  bpttWindows,
  corpusText,
  loadMobyDick,
  loadStateOfTheUnion,
  negativeSamplingTable,
  sampleNegatives,
  subsamplingKeepProbabilities,
  tokenizeChars,
  tokenizeWords,
  trainValidTestSplit,
  Vocabulary,
} from '@mlblocks/datasets/node';

// word2vec: words, a vocabulary, subsampling and negative sampling
const book = loadMobyDick();
const tokens = tokenizeWords(corpusText(book));
const vocab = Vocabulary.build(tokens, { minCount: 5 });
console.log(`Moby-Dick: ${book.documents.length} chapters, ${tokens.length} words, vocabulary ${vocab.size}`);
const keep = subsamplingKeepProbabilities(vocab, { threshold: 1e-4 });
for (const word of ['the', 'whale', 'ahab']) {
  console.log(
    `  ${word}: count ${vocab.countOf(word)}, keep probability ${keep[vocab.idOf(word)]!.toFixed(3)}`,
  );
}
const table = negativeSamplingTable(vocab);
console.log('  5 negatives:', vocab.decode(sampleNegatives(table, 5, new Generator(0))).join(' '));

// language model: characters, contiguous splits, batchify and BPTT windows
const sotu = loadStateOfTheUnion({ from: 1945 });
const chars = tokenizeChars(corpusText(sotu));
const charVocab = Vocabulary.build(chars, { specials: ['<unk>'] });
const { train, valid, test } = trainValidTestSplit(charVocab.encode(chars), { valid: 0.05, test: 0.05 });
console.log(
  `SOTU since 1945: ${sotu.documents.length} addresses, ${chars.length} characters, ${charVocab.size} symbols`,
);
console.log(`  split: ${train.length} / ${valid.length} / ${test.length}`);
const data = batchify(train, 32);
const [first] = bpttWindows(data, 64);
console.log(
  `  batchified [${data.shape}], first window input [${first!.input.shape}] target [${first!.target.shape}]`,
);
data.dispose();
