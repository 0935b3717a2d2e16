/** One document of a corpus: a chapter, an address, a file. */
export interface TextDocument {
  readonly title: string;
  readonly text: string;
  /** Source-specific facts, e.g. `{ year: 1790, president: 'George Washington', party: 'none' }`. */
  readonly meta?: Readonly<Record<string, string | number>>;
}

/** A named list of documents (in their natural order: chapters, years, files). */
export interface Corpus {
  readonly name: string;
  readonly documents: readonly TextDocument[];
}

/**
 * A one-document corpus from a string (works anywhere; the Node entry adds file and npm sources).
 *
 * @example
 * const corpus = corpusFromText('notes', 'the quick brown fox');
 */
export function corpusFromText(name: string, text: string, title = name): Corpus {
  return { name, documents: [{ title, text }] };
}

/** All documents' text joined by `separator` (default a blank line). */
export function corpusText(corpus: Corpus, separator = '\n\n'): string {
  return corpus.documents.map((d) => d.text).join(separator);
}
