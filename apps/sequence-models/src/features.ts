import { Vocabulary } from '@mlblocks/datasets';

/** How a text becomes tokens: characters for names, words for emails. */
export type Tokenizer = (text: string) => string[];

/** The characters of a name. */
export const characters: Tokenizer = (text) => [...text];

/** Words (runs of letters and digits) and the `$` and `!` signs, which spam is fond of. */
export const words: Tokenizer = (text) => text.match(/[a-z0-9]+|[$!]/g) ?? [];

/**
 * Character 1- to 3-grams with `^` and `$` marking the ends (`"ann"` → `a n n ^a an nn n$ ^an ann
 * nn$`): the baseline's features for names — what a linear model can see without an RNN.
 */
export const characterNgrams: Tokenizer = (text) => {
  const padded = `^${text}$`;
  const grams = [...text];
  for (const n of [2, 3]) for (let i = 0; i + n <= padded.length; i++) grams.push(padded.slice(i, i + n));
  return grams;
};

/** Words of an email, each once: the bag-of-words baseline's features. */
export const wordSet: Tokenizer = (text) => [...new Set(words(text))];

/**
 * A vocabulary over the training texts: `<pad>` (id 0, what padding writes), `<unk>` (id 1, every
 * token not in it — in valid or test texts, or rarer than `minCount`), then tokens by count.
 */
export function buildVocabulary(texts: readonly string[], tokenize: Tokenizer, minCount: number): Vocabulary {
  return Vocabulary.build(
    texts.flatMap((t) => tokenize(t)),
    { minCount, specials: ['<pad>', '<unk>'], unk: '<unk>' },
  );
}

/** Token ids of `text`; a text with no token at all becomes `[<unk>]` so that no sequence is empty. */
export function encode(vocab: Vocabulary, tokenize: Tokenizer, text: string, maxLength: number): Int32Array {
  const tokens = tokenize(text).slice(0, maxLength);
  return tokens.length === 0 ? Int32Array.of(1) : vocab.encode(tokens);
}
