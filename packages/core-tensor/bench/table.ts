/** A plain fixed-width table printed row by row, so progress is visible while the slow cases run. */

export interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

export class Table {
  constructor(private readonly columns: readonly Column[]) {}

  header(): string {
    const titles = this.line(this.columns.map((c) => c.title));
    return `${titles}\n${'─'.repeat(titles.length)}`;
  }

  line(cells: readonly string[]): string {
    return this.columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return c.align === 'left' ? cell.padEnd(c.width) : cell.padStart(c.width);
      })
      .join('  ')
      .trimEnd();
  }
}

/** Three significant digits, without exponent notation for the ranges a benchmark shows. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
