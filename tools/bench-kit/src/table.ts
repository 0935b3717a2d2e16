import type { Results } from './run-all.js';

/**
 * A plain-text table of throughputs with ratios against one row: `(2.5×)` means the base row
 * does 2.5 times the work per second of that row. GFLOP/s cells also show % of `peak` when given.
 */
export function ratioTable(
  results: Results,
  columns: readonly { head: string; gflops: boolean }[],
  base: string,
  peak?: number,
): string {
  const baseRow = results.get(base);
  if (!baseRow) throw new Error(`ratioTable: no row named '${base}'`);
  const rows = [...results].map(([name, values]) => [
    name,
    ...values.map((v, i) => {
      if (v === null) return '—';
      const { gflops } = columns[i]!;
      const value = gflops ? v.toFixed(v < 10 ? 2 : 1) : v.toFixed(v < 10 ? 2 : 0);
      const pct = gflops && peak ? ` ${((100 * v) / peak).toFixed(0)}%` : '';
      const b = baseRow[i];
      const ratio = b === null || b === undefined ? '' : ` (${(b / v).toFixed(2)}×)`;
      return `${value}${pct}${ratio}`;
    }),
  ]);
  const head = ['backend', ...columns.map((c) => c.head)];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
