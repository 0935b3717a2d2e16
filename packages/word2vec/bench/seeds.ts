// Quality over seeds (one thread): analogy accuracy on covered questions and WordSim ρ.
//   tsx --conditions=@mlblocks/source bench/seeds.ts sg 1 2 3 4
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  evaluateAnalogies,
  evaluateWordPairs,
  parseAnalogyQuestions,
  parseWordPairs,
  prepareCorpus,
  trainWord2Vec,
} from '@mlblocks/word2vec';
import { loadSentences } from '@mlblocks/word2vec/node';

const shared = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const questions = parseAnalogyQuestions(readFileSync(join(shared, 'questions-words.txt'), 'utf8'));
const pairs = parseWordPairs(readFileSync(join(shared, 'wordsim353.tsv'), 'utf8'));
const [arch = 'sg', ...seeds] = process.argv.slice(2);
const kernel = (process.env.KERNEL ?? 'auto') as 'auto' | 'wasm' | 'js';
const { name, sentences } = loadSentences('sotu');
const corpus = prepareCorpus(sentences, { minCount: 5, name });
for (const seed of seeds.map(Number)) {
  const { vectors, stats } = trainWord2Vec(corpus, { arch: arch as 'sg' | 'cbow', seed, kernel });
  const a = evaluateAnalogies(vectors, questions).total;
  const r = evaluateWordPairs(vectors, pairs);
  console.log(
    `${arch} seed ${seed}: analogies ${(a.accuracy * 100).toFixed(2)}% of ${a.covered}, ρ ${r.spearman.toFixed(3)} on ${r.covered}; ${(stats.wordsPerCpuSecond! / 1e6).toFixed(3)}M words/CPU-s`,
  );
}
