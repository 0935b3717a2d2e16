// The README example runs and learns the line it promises.
import { describe, expect, it, vi } from 'vitest';

describe('examples', () => {
  it('fit-line learns w ≈ 3 and b ≈ 2', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../examples/fit-line.js');
      const last = String(log.mock.calls.at(-1)?.[0]);
      const [, w, b] = /w = ([\d.-]+), b = ([\d.-]+)/.exec(last) ?? [];
      expect(Number(w)).toBeCloseTo(3, 1);
      expect(Number(b)).toBeCloseTo(2, 1);
    } finally {
      log.mockRestore();
    }
  });
});
