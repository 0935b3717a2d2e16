import { checkOptions } from '@mlblocks/core-tensor';
import { checkInteger, checkNumber, withDefaults } from '../optimizer/validate.js';
import { type AnyOptimizer, LRScheduler } from './scheduler.js';

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative factor of each decay (default 0.1). */
  gamma?: number;
}

/**
 * Decays each group's learning rate by `gamma` every `stepSize` epochs:
 * `η_t = η₀ · γ^⌊t / stepSize⌋` (PyTorch's `StepLR`).
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1 → 0.01 at epoch 30 → …
 * for (let epoch = 0; epoch < 90; epoch++) { trainOneEpoch(); sched.step(); }
 */
export class StepLR extends LRScheduler<Required<StepLROptions>> {
  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    checkOptions('StepLR', options, { stepSize: true, gamma: true });
    super('StepLR', optimizer, withDefaults<Required<StepLROptions>>({ gamma: 0.1 }, options));
    this.apply(this.lrAt(0));
  }

  protected validate(o: Required<StepLROptions>, op: string): void {
    checkInteger(op, 'options', 'stepSize', o.stepSize, 1);
    checkNumber(op, 'options', 'gamma', o.gamma, { min: 0 });
  }

  lrAt(epoch: number): number[] {
    return this.baseLrs.map((baseLr) => this.lrFor(baseLr, epoch));
  }

  private lrFor(baseLr: number, epoch: number): number {
    return baseLr * this.options.gamma ** Math.floor(epoch / this.options.stepSize);
  }
}
