import { type DType, isIntegral, type TypedArray } from '../dtype.js';
import type { NDArray } from './ndarray.js';

const SUMMARY_THRESHOLD = 1000; // elements; larger arrays print their first and last EDGE_ITEMS per axis
const EDGE_ITEMS = 3;

/**
 * NumPy-style text: `array([[1.0000, 2.0000], …], dtype=float32, shape=[2,2], backend=cpu)`.
 * Floats print with 4 decimals, or in scientific notation when magnitudes call for it.
 */
export function formatArray(x: NDArray): string {
  const meta = `dtype=${x.dtype}, shape=[${x.shape.join(',')}], backend=${x.backend.name}`;
  if (x.isDisposed) return `array(<disposed>, ${meta})`;
  if (!x.backend.readSync) return `array(<on ${x.backend.name}: await a.data() to read>, ${meta})`;
  const values = x.dataSync();
  const summarize = values.length > SUMMARY_THRESHOLD;
  const fmt = formatterFor(x.dtype, values);
  const width = Math.max(0, ...Array.from(values, (v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (axis: number, offset: number, indent: string): string => {
    if (axis === x.rank) return cell(values[offset]!);
    const n = x.shape[axis]!;
    const picks: (number | null)[] =
      summarize && n > 2 * EDGE_ITEMS
        ? [...range(0, EDGE_ITEMS), null, ...range(n - EDGE_ITEMS, n)]
        : range(0, n);
    const parts = picks.map((i) =>
      i === null ? '...' : render(axis + 1, offset + i * strides[axis]!, `${indent} `),
    );
    const sep = axis === x.rank - 1 ? ', ' : `,${'\n'.repeat(x.rank - axis - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return `array(${render(0, 0, ' '.repeat(6))}, ${meta})`;
}

function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}

function formatterFor(dtype: string, values: TypedArray): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'true' : 'false');
  if (isIntegral(dtype as DType)) return (v) => String(v);
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  const scientific = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Number.POSITIVE_INFINITY);
  return (v) => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return scientific ? v.toExponential(4) : v.toFixed(4);
  };
}
