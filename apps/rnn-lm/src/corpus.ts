import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ValueError } from '@mlblocks/core-tensor';
import { corpusText } from '@mlblocks/datasets';
import { loadMobyDick, loadTextFiles } from '@mlblocks/datasets/node';
import { charCorpus, type LMCorpus, type TokenLevel, wordCorpus } from '@mlblocks/rnn-lm';
import { loadSotuCorpus } from '@mlblocks/rnn-lm/node';

/**
 * Where `--corpus shakespeare` reads tinyshakespeare (karpathy/char-rnn's input.txt): the
 * project's shared data folder beside the checkout (`../shared/data/`), which no npm package
 * ships. Elsewhere, pass the file itself: `--corpus path/to/input.txt`.
 */
export const SHAKESPEARE_PATH = fileURLToPath(
  new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url),
);

/** The level a corpus name implies: words for `sotu`, characters otherwise. */
export function levelOf(corpus: string): TokenLevel {
  return corpus === 'sotu' ? 'word' : 'char';
}

/**
 * The corpus `--corpus` names, at `level`: `sotu` (the word split; words only),
 * `shakespeare` (tinyshakespeare, see `SHAKESPEARE_PATH`), `moby-dick` (from npm), or a text
 * file / folder of `.txt` files. Char corpora hold out the last 10% for validation; word corpora
 * from files use the SOTU rules (sentence i mod 20 = 18 valid, 19 test).
 */
export function loadCorpus(name: string, level: TokenLevel): LMCorpus {
  if (name === 'sotu') {
    if (level !== 'word') throw new ValueError('--corpus', 'sotu is a word corpus; use --level word');
    return loadSotuCorpus();
  }
  let text: string;
  let label = name;
  if (name === 'moby-dick') text = corpusText(loadMobyDick());
  else {
    const path = name === 'shakespeare' ? SHAKESPEARE_PATH : name;
    if (name === 'shakespeare' && !existsSync(path)) {
      throw new ValueError(
        '--corpus',
        `tinyshakespeare is not at ${path} (the shared data folder beside the checkout); pass the text file itself (--corpus path/to/input.txt) or use --corpus moby-dick`,
      );
    }
    const corpus = loadTextFiles(path);
    text = corpusText(corpus);
    if (name !== 'shakespeare') label = corpus.name;
  }
  return level === 'char'
    ? charCorpus(text, { name: label })
    : wordCorpus(text.split(/\n{2,}/), { name: label, minCount: 3 });
}
