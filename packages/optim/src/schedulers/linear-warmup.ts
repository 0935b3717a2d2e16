import { checkOptions } from '@mlblocks/core-tensor';
import { checkInteger, checkNumber, withDefaults } from '../optimizer/validate.js';
import { type AnyOptimizer, LRScheduler } from './scheduler.js';

/** Options of `LinearWarmup`. */
export interface LinearWarmupOptions {
  /** Epochs (usually iterations) to reach the full learning rate. */
  warmupSteps: number;
  /** Fraction of the initial rate at epoch 0 (default 0). */
  startFactor?: number;
}

/**
 * Raises each group's learning rate linearly from `startFactor · η₀` at epoch 0 to η₀ at epoch
 * `warmupSteps`, then holds it (PyTorch's `LinearLR` with `end_factor = 1`):
 *
 * ```text
 * η_t = η₀ · (s + (1 − s) · min(t, W) / W)
 * ```
 *
 * To decay after warming up, chain it: `new SequentialLR(opt, [warmup, cosine], [W])`.
 *
 * @example
 * const sched = new LinearWarmup(opt, { warmupSteps: 500 }); // step() once per iteration
 */
export class LinearWarmup extends LRScheduler<Required<LinearWarmupOptions>> {
  constructor(optimizer: AnyOptimizer, options: LinearWarmupOptions) {
    checkOptions('LinearWarmup', options, { warmupSteps: true, startFactor: true });
    super(
      'LinearWarmup',
      optimizer,
      withDefaults<Required<LinearWarmupOptions>>({ startFactor: 0 }, options),
    );
    this.apply(this.lrAt(0));
  }

  protected validate(o: Required<LinearWarmupOptions>, op: string): void {
    checkInteger(op, 'options', 'warmupSteps', o.warmupSteps, 1);
    checkNumber(op, 'options', 'startFactor', o.startFactor, { min: 0, max: 1 });
  }

  lrAt(epoch: number): number[] {
    return this.baseLrs.map((baseLr) => this.lrFor(baseLr, epoch));
  }

  private lrFor(baseLr: number, epoch: number): number {
    const { warmupSteps, startFactor } = this.options;
    return baseLr * (startFactor + ((1 - startFactor) * Math.min(epoch, warmupSteps)) / warmupSteps);
  }
}
