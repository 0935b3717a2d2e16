import { ValueError } from './errors.js';

/**
 * The names an options object may hold, as `{ name: true }` for every key of `T` (optional keys
 * included). Written as an object rather than a list so that the compiler flags a missing or an
 * extra name whenever the options interface changes.
 */
export type OptionNames<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Rejects an options object that holds a name the op does not know: a misspelt or unsupported
 * option must fail loudly rather than be silently ignored (`{ pos_weight }` for `{ posWeight }`,
 * `{ groups }` where grouped convolution is not supported). Keys whose value is `undefined` are
 * checked too. `undefined` or `{}` pass. `where` (e.g. `'group 1'`) prefixes the message.
 *
 * @throws {ValueError} naming the op, the unknown option, a likely intended name (if one is
 * close) and every valid option.
 *
 * @example
 * checkOptions('crossEntropy', options, { reduction: true, ignoreIndex: true, labelSmoothing: true, weight: true });
 * // crossEntropy({ ignore_index: 0 }) → "crossEntropy: unknown option 'ignore_index' (did you mean
 * // 'ignoreIndex'?); valid options: reduction, ignoreIndex, labelSmoothing, weight"
 */
export function checkOptions<T extends object>(
  op: string,
  options: T | undefined,
  valid: NoInfer<OptionNames<T>>,
  where?: string,
): void {
  if (options === undefined) return;
  const at = where === undefined ? '' : `${where}: `;
  const names = Object.keys(valid);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(
      op,
      `${at}options must be an object of { ${names.join(', ')} }, got ${describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(valid, key)) continue;
    const guess = closest(key, names);
    const hint = guess === undefined ? '' : ` (did you mean '${guess}'?)`;
    throw new ValueError(
      op,
      `${at}unknown option '${key}'${hint}; valid options: ${names.length > 0 ? names.join(', ') : 'none'}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${String(value)}`;
}

// The valid name a user most likely meant: the same letters ignoring case and underscores
// (PyTorch's `ignore_index`), else one within two edits, else one that starts with the key or
// that the key contains.
function closest(key: string, names: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replaceAll('_', '');
  const same = names.find((n) => squash(n) === squash(key));
  if (same !== undefined) return same;
  const k = squash(key);
  // `train` for `training`, `tableSize` for `size`
  const prefixed =
    names.find((n) => k.length >= 3 && squash(n).startsWith(k)) ??
    names.find((n) => squash(n).length >= 4 && k.includes(squash(n)));
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(squash(key), squash(name));
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best ?? prefixed;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
