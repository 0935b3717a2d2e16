import { readFile } from 'node:fs/promises';
import { DataNotFoundError } from '@mlblocks/datasets';
import {
  type AnalogyReport,
  evaluateAnalogies,
  evaluateWordPairs,
  type KeyedVectors,
  parseAnalogyQuestions,
  parseWordPairs,
  type WordPairsReport,
} from '@mlblocks/word2vec';
import { formatPercent } from 'lesson-kit';
import { count } from './options.js';

/** Reads a UTF-8 file, or says which one is missing. */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DataNotFoundError('word2vec', `no file at ${path}`);
    throw error;
  }
}

/** The `evaluate` command: analogies per section (3CosAdd and 3CosMul) and WordSim ρ. */
export async function evaluate(
  vectors: KeyedVectors,
  files: { questions?: string; wordsim?: string },
  log: (line: string) => void,
): Promise<{ analogies: AnalogyReport[]; wordsim: WordPairsReport | undefined }> {
  const analogies: AnalogyReport[] = [];
  if (files.questions) {
    const questions = parseAnalogyQuestions(await readText(files.questions), files.questions);
    for (const method of ['3CosAdd', '3CosMul'] as const)
      analogies.push(evaluateAnalogies(vectors, questions, { method }));
    const [add, mul] = analogies as [AnalogyReport, AnalogyReport];
    log(
      `${'section'.padEnd(28)} ${'covered'.padStart(13)} ${'3CosAdd'.padStart(8)} ${'3CosMul'.padStart(8)}`,
    );
    const row = (a: AnalogyReport['total'], m: AnalogyReport['total']) =>
      log(
        `${a.section.padEnd(28)} ${`${count(a.covered)}/${count(a.questions)}`.padStart(13)} ${formatPercent(a.accuracy).padStart(8)} ${formatPercent(m.accuracy).padStart(8)}`,
      );
    for (const [i, s] of add.sections.entries()) row(s, mul.sections[i]!);
    row(add.semantic, mul.semantic);
    row(add.syntactic, mul.syntactic);
    row(add.total, mul.total);
  }
  const wordsim = files.wordsim
    ? evaluateWordPairs(vectors, parseWordPairs(await readText(files.wordsim), files.wordsim))
    : undefined;
  if (wordsim) {
    log(
      `WordSim-353: Spearman ρ ${wordsim.spearman.toFixed(3)}, Pearson r ${wordsim.pearson.toFixed(3)} on ${wordsim.covered} of ${wordsim.pairs} pairs`,
    );
  }
  return { analogies, wordsim };
}
