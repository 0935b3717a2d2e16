import { checkOptions } from '@mlblocks/core-tensor';
import { checkInteger, checkNumber, withDefaults } from '../optimizer/validate.js';
import { type AnyOptimizer, LRScheduler } from './scheduler.js';

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Epochs from the initial rate down to `etaMin` (half a cosine period). */
  tMax: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's learning rate along a cosine from its initial value η₀ to `etaMin` over
 * `tMax` epochs (SGDR without restarts; PyTorch's `CosineAnnealingLR` in closed form):
 *
 * ```text
 * η_t = η_min + (η₀ − η_min) · (1 + cos(π·t / T_max)) / 2
 * ```
 *
 * Past `tMax` the cosine rises again (as in PyTorch); stop stepping, or chain with `SequentialLR`.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler<Required<CosineAnnealingLROptions>> {
  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    checkOptions('CosineAnnealingLR', options, { tMax: true, etaMin: true });
    super(
      'CosineAnnealingLR',
      optimizer,
      withDefaults<Required<CosineAnnealingLROptions>>({ etaMin: 0 }, options),
    );
    this.apply(this.lrAt(0));
  }

  protected validate(o: Required<CosineAnnealingLROptions>, op: string): void {
    checkInteger(op, 'options', 'tMax', o.tMax, 1);
    checkNumber(op, 'options', 'etaMin', o.etaMin, { min: 0 });
  }

  lrAt(epoch: number): number[] {
    return this.baseLrs.map((baseLr) => this.lrFor(baseLr, epoch));
  }

  private lrFor(baseLr: number, epoch: number): number {
    const { tMax, etaMin } = this.options;
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
  }
}
