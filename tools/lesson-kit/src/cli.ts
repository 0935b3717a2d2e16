import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Commander argument parser for a non-negative integer option (e.g. a seed). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/** Commander argument parser for a positive number option (e.g. a learning rate). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Commander argument parser for a number ≥ 0 (e.g. momentum, weight decay). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** Commander argument parser for a number in [0, 1). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

/** Seconds with one decimal, or milliseconds under a second. */
export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
