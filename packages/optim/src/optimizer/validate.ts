import { ValueError } from '@mlblocks/core-tensor';

/** Throws a ValueError unless `value` is a finite number ≥ `min` (and < `below` when given). */
export function checkNumber(
  op: string,
  where: string,
  name: string,
  value: unknown,
  range: { min?: number; below?: number; max?: number } = {},
): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(op, `${where}: ${name} must be a finite number, got ${String(value)}`);
  }
  const { min, below, max } = range;
  const bounds =
    min !== undefined && below !== undefined
      ? `in [${min}, ${below})`
      : min !== undefined && max !== undefined
        ? `in [${min}, ${max}]`
        : min !== undefined
          ? `≥ ${min}`
          : `≤ ${max}`;
  if (
    (min !== undefined && value < min) ||
    (below !== undefined && value >= below) ||
    (max !== undefined && value > max)
  ) {
    throw new ValueError(op, `${where}: ${name} must be ${bounds}, got ${value}`);
  }
}

/** Throws a ValueError unless `value` is a boolean. */
export function checkBoolean(op: string, where: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new ValueError(op, `${where}: ${name} must be true or false, got ${String(value)}`);
  }
}

/** Throws a ValueError unless `value` is an integer ≥ `min`. */
export function checkInteger(op: string, where: string, name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(op, `${where}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/** `defaults` overridden by the options that are not undefined (missing required ones are left to validation). */
export function withDefaults<T extends object>(defaults: Partial<T>, options: Partial<T> | undefined): T {
  const out = { ...defaults } as T;
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
