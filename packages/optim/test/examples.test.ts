// The README example runs and learns what it promises.
import { describe, expect, it, vi } from 'vitest';

describe('examples', () => {
  it('train-mlp fits the noisy XOR', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../examples/train-mlp.js');
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines[0]).toMatch(/^step {3}0 {2}loss 0\.\d+ {2}grad norm [\d.]+ {2}lr 0\.00e\+0$/);
      const [, accuracy] = /training accuracy ([\d.]+)%/.exec(lines.at(-1)!) ?? [];
      expect(Number(accuracy)).toBeGreaterThanOrEqual(95);
    } finally {
      log.mockRestore();
    }
  });
});
