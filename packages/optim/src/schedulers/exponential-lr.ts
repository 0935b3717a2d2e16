import { checkOptions } from '@mlblocks/core-tensor';
import { checkNumber } from '../optimizer/validate.js';
import { type AnyOptimizer, LRScheduler } from './scheduler.js';

/** Options of `ExponentialLR`. */
export interface ExponentialLROptions {
  /** Multiplicative factor per epoch. */
  gamma: number;
}

/**
 * Decays each group's learning rate by `gamma` every epoch: `η_t = η₀ · γᵗ` (PyTorch's `ExponentialLR`).
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler<ExponentialLROptions> {
  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    checkOptions('ExponentialLR', options, { gamma: true });
    super('ExponentialLR', optimizer, { ...options });
    this.apply(this.lrAt(0));
  }

  protected validate(o: ExponentialLROptions, op: string): void {
    checkNumber(op, 'options', 'gamma', o.gamma, { min: 0 });
  }

  lrAt(epoch: number): number[] {
    return this.baseLrs.map((baseLr) => this.lrFor(baseLr, epoch));
  }

  private lrFor(baseLr: number, epoch: number): number {
    return baseLr * this.options.gamma ** epoch;
  }
}
