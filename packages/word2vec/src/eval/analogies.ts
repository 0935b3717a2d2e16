import { DataFormatError } from '@mlblocks/datasets';
import { cosMulScores, type KeyedVectors } from '../model/keyed-vectors.js';

/** One analogy question, `a : b :: c : d`. */
export interface AnalogyQuestion {
  section: string;
  a: string;
  b: string;
  c: string;
  d: string;
}

/**
 * Parses the questions-words format of the word2vec distribution (`questions-words.txt`, Mikolov
 * et al. 2013): `: section` lines open a section, every other non-empty line is four words.
 *
 * @throws {DataFormatError} naming the line of a question that is not four words, or one before any section.
 */
export function parseAnalogyQuestions(text: string, source = 'questions'): AnalogyQuestion[] {
  const questions: AnalogyQuestion[] = [];
  let section: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(':')) {
      section = line.slice(1).trim();
      return;
    }
    const words = line.split(/\s+/);
    if (words.length !== 4) {
      throw new DataFormatError(
        'parseAnalogyQuestions',
        `${source}:${i + 1}: expected 4 words, found ${words.length}: '${line}'`,
      );
    }
    if (section === undefined) {
      throw new DataFormatError(
        'parseAnalogyQuestions',
        `${source}:${i + 1}: a question before the first ': section' line`,
      );
    }
    const [a, b, c, d] = words as [string, string, string, string];
    questions.push({ section, a, b, c, d });
  });
  return questions;
}

/** Accuracy over one section (or all of them). */
export interface AnalogyScore {
  section: string;
  /** Questions answered right. */
  correct: number;
  /** Questions whose four words all have vectors (the only ones asked). */
  covered: number;
  /** Questions in the section. */
  questions: number;
  /** `correct / covered` (0 when nothing is covered). */
  accuracy: number;
  /** `covered / questions`. */
  coverage: number;
}

/** What `evaluateAnalogies` returns: per section, semantic / syntactic, and the total. */
export interface AnalogyReport {
  method: '3CosAdd' | '3CosMul';
  sections: AnalogyScore[];
  /** Sections whose name does not start with `gram` (capitals, currency, family, …). */
  semantic: AnalogyScore;
  /** The `gram*` sections. */
  syntactic: AnalogyScore;
  total: AnalogyScore;
}

/** Options of `evaluateAnalogies`. */
export interface EvaluateAnalogiesOptions {
  /** `'3CosAdd'` (default, gensim's `evaluate_word_analogies`) or `'3CosMul'`. */
  method?: '3CosAdd' | '3CosMul';
  /** Candidate answers and covered words: the first `restrict` words only (default all; gensim: 300,000). */
  restrict?: number;
  /** Lowercase the questions first (default true, as gensim's `case_insensitive`). */
  lowercase?: boolean;
}

function score(section: string, correct: number, covered: number, questions: number): AnalogyScore {
  return {
    section,
    correct,
    covered,
    questions,
    accuracy: covered > 0 ? correct / covered : 0,
    coverage: questions > 0 ? covered / questions : 0,
  };
}

function sum(section: string, scores: AnalogyScore[]): AnalogyScore {
  return score(
    section,
    scores.reduce((n, s) => n + s.correct, 0),
    scores.reduce((n, s) => n + s.covered, 0),
    scores.reduce((n, s) => n + s.questions, 0),
  );
}

/**
 * Answers every covered question (all four words among the first `restrict` words) with
 * 3CosAdd or 3CosMul, the three question words excluded from the answers, and counts the right
 * ones per section. The cosines of each distinct question word with every candidate are computed
 * once and shared by all the questions that use it.
 *
 * @example
 * const report = evaluateAnalogies(vectors, parseAnalogyQuestions(readFileSync('questions-words.txt', 'utf8')));
 * console.log(report.total.accuracy, report.total.coverage);
 */
export function evaluateAnalogies(
  vectors: KeyedVectors,
  questions: readonly AnalogyQuestion[],
  options: EvaluateAnalogiesOptions = {},
): AnalogyReport {
  const { method = '3CosAdd', lowercase = true } = options;
  const restrict = Math.min(options.restrict ?? vectors.size, vectors.size);
  const rowOf = (word: string): number => {
    const w = lowercase ? word.toLowerCase() : word;
    if (!vectors.has(w)) return -1;
    const i = vectors.indexOf(w);
    return i < restrict ? i : -1;
  };
  const columns = new Map<number, Float32Array>();
  const cosines = (row: number): Float32Array => {
    let column = columns.get(row);
    if (!column) {
      column = vectors.similarities(vectors.unitVector(row), restrict);
      columns.set(row, column);
    }
    return column;
  };
  const bySection = new Map<string, { correct: number; covered: number; questions: number }>();
  const combined = new Float32Array(restrict);
  for (const q of questions) {
    let tally = bySection.get(q.section);
    if (!tally) {
      tally = { correct: 0, covered: 0, questions: 0 };
      bySection.set(q.section, tally);
    }
    tally.questions++;
    const [a, b, c, d] = [rowOf(q.a), rowOf(q.b), rowOf(q.c), rowOf(q.d)];
    if (a < 0 || b < 0 || c < 0 || d < 0) continue;
    tally.covered++;
    const [sa, sb, sc] = [cosines(a), cosines(b), cosines(c)];
    const scores = method === '3CosMul' ? cosMulScores(sa, sb, sc) : combined;
    if (method === '3CosAdd') for (let w = 0; w < restrict; w++) scores[w] = sb[w]! - sa[w]! + sc[w]!;
    let best = -1;
    for (let w = 0; w < restrict; w++) {
      if (w === a || w === b || w === c) continue;
      if (best < 0 || scores[w]! > scores[best]!) best = w;
    }
    if (best === d) tally.correct++;
    // the cached columns of a finished section are rarely used again: bound the cache
    if (columns.size > 2048) columns.clear();
  }
  const sections = [...bySection].map(([name, t]) => score(name, t.correct, t.covered, t.questions));
  return {
    method,
    sections,
    semantic: sum(
      'semantic',
      sections.filter((s) => !s.section.startsWith('gram')),
    ),
    syntactic: sum(
      'syntactic',
      sections.filter((s) => s.section.startsWith('gram')),
    ),
    total: sum('total', sections),
  };
}
