// Trains skip-gram on the State of the Union addresses (1.8 million words, 2 worker threads),
// then asks for neighbours and an analogy, and saves the vectors in the word2vec formats.
import { prepareCorpus } from '@mlblocks/word2vec';
import { loadSentences, saveWord2Vec, trainWord2VecParallel } from '@mlblocks/word2vec/node';

const { name, sentences } = loadSentences('sotu'); // lowercase, sentences at . ! ?, words [a-z0-9]+
const corpus = prepareCorpus(sentences, { minCount: 5, name });
console.log(`${corpus.tokens} words, ${corpus.vocabulary.size} with count ≥ 5`);

const { vectors, stats } = await trainWord2VecParallel(corpus, {
  arch: 'sg', // or 'cbow' (then alpha 0.05)
  dim: 100,
  window: 5,
  negative: 5,
  sample: 1e-3,
  epochs: 5,
  threads: 2, // Hogwild; threads: 1 is reproducible bit for bit
});
console.log(
  `${Math.round(stats.wordsPerSecond)} words/s over ${stats.wallSeconds.toFixed(1)} s (${stats.kernel} kernel)`,
);

for (const word of ['war', 'tax', 'america']) {
  const near = vectors.mostSimilar(word, { topN: 5 });
  console.log(`${word}: ${near.map((n) => n.word).join(', ')}`);
}
const [answer] = vectors.analogy('man', 'woman', 'king'); // man : woman :: king : ?
console.log(`man : woman :: king : ${answer!.word}`);

await saveWord2Vec(vectors, 'out/sotu-vectors.bin'); // readable by gensim and the C tool
