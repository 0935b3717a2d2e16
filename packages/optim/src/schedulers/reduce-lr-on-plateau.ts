import { checkOptions as checkOptionNames, ValueError } from '@mlblocks/core-tensor';
import { checkInteger, checkNumber, withDefaults } from '../optimizer/validate.js';
import {
  type AnyOptimizer,
  checkCommon,
  checkOptions,
  copyOptions,
  type SchedulerOptionValue,
  type SchedulerStateDict,
} from './scheduler.js';

/** Options of `ReduceLROnPlateau` (PyTorch's names and defaults, camelCased). */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: the metric should fall (a loss); `'max'`: rise (an accuracy). Default `'min'`. */
  mode?: 'min' | 'max';
  /** Multiplies the learning rate on a plateau; must be < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'`: better than best·(1 ∓ threshold); `'abs'`: better than best ∓ threshold (default `'rel'`). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** The lowest learning rate, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

type Resolved = Required<Omit<ReduceLROnPlateauOptions, 'minLr'>> & { minLr: number[] };

/**
 * Reduces the learning rate when a metric has stopped improving (PyTorch's `ReduceLROnPlateau`).
 * Call `step(metric)` once per epoch with, e.g., the validation loss. A metric improves when
 *
 * ```text
 * mode min, rel: m < best·(1 − threshold)      mode min, abs: m < best − threshold
 * mode max, rel: m > best·(1 + threshold)      mode max, abs: m > best + threshold
 * ```
 *
 * After more than `patience` epochs without improvement, each group's rate becomes
 * `max(lr·factor, minLr)` (unless that changes it by less than `eps`), and `cooldown` epochs follow
 * in which bad epochs are not counted.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** The best metric seen so far (±Infinity before the first). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  private options: Resolved;
  private lastLrs: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptionNames('ReduceLROnPlateau', options, {
      mode: true,
      factor: true,
      patience: true,
      threshold: true,
      thresholdMode: true,
      cooldown: true,
      minLr: true,
      eps: true,
    });
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== groups) {
      throw new ValueError(
        'ReduceLROnPlateau',
        `minLr has ${minLr.length} entries but the optimizer has ${groups} parameter groups`,
      );
    }
    const resolved = withDefaults<Resolved>(
      {
        mode: 'min',
        factor: 0.1,
        patience: 10,
        threshold: 1e-4,
        thresholdMode: 'rel',
        cooldown: 0,
        eps: 1e-8,
      },
      { ...options, minLr: Array.isArray(minLr) ? [...minLr] : new Array<number>(groups).fill(minLr) },
    );
    validate('ReduceLROnPlateau', resolved);
    this.options = resolved;
    this.best = resolved.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Records this epoch's metric and reduces the learning rates after a plateau. */
  step(metric: number): void {
    if (typeof metric !== 'number') {
      throw new ValueError('ReduceLROnPlateau.step', `the metric must be a number, got ${typeof metric}`);
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      this.reduce();
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates after the last `step()`, one per group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** The scheduler's state as plain, JSON-serialisable data (an infinite `best` is written as a string). */
  stateDict(): SchedulerStateDict & { best: number | string; numBadEpochs: number; cooldownCounter: number } {
    return {
      scheduler: 'ReduceLROnPlateau',
      lastEpoch: this.lastEpoch,
      baseLrs: this.optimizer.paramGroups.map((g) => g.initialLr ?? g.lr),
      lastLrs: [...this.lastLrs],
      options: copyOptions(this.options as unknown as Record<string, SchedulerOptionValue>),
      best: Number.isFinite(this.best) ? this.best : String(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  /** Restores a state dict from `stateDict()` and the learning rates it last set; checks everything first. */
  loadStateDict(stateDict: ReturnType<ReduceLROnPlateau['stateDict']>): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    const groups = this.optimizer.paramGroups.length;
    const d = checkCommon(op, 'ReduceLROnPlateau', groups, stateDict) as typeof stateDict;
    const options = checkOptions(
      op,
      this.options as unknown as Record<string, SchedulerOptionValue>,
      d.options,
    ) as unknown as Resolved;
    if (options.minLr.length !== groups) {
      throw new ValueError(
        op,
        `minLr has ${options.minLr.length} entries but the optimizer has ${groups} groups`,
      );
    }
    validate(op, options);
    const best = typeof d.best === 'string' ? Number(d.best) : d.best;
    if (typeof best !== 'number' || Number.isNaN(best)) {
      throw new ValueError(op, `best must be a number or '±Infinity', got ${String(d.best)}`);
    }
    checkInteger(op, 'state dict', 'numBadEpochs', d.numBadEpochs, 0);
    checkInteger(op, 'state dict', 'cooldownCounter', d.cooldownCounter, 0);
    this.options = options;
    this.best = best;
    this.numBadEpochs = d.numBadEpochs;
    this.cooldownCounter = d.cooldownCounter;
    this.lastEpoch = d.lastEpoch;
    this.lastLrs = [...d.lastLrs];
    this.lastLrs.forEach((lr, i) => {
      this.optimizer.paramGroups[i]!.lr = lr;
    });
  }

  private isBetter(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') {
      return thresholdMode === 'rel' ? metric < this.best * (1 - threshold) : metric < this.best - threshold;
    }
    return thresholdMode === 'rel' ? metric > this.best * (threshold + 1) : metric > this.best + threshold;
  }

  private reduce(): void {
    const { factor, minLr, eps } = this.options;
    this.optimizer.paramGroups.forEach((group, i) => {
      const next = Math.max(group.lr * factor, minLr[i] ?? 0);
      if (group.lr - next > eps) group.lr = next;
    });
  }
}

function validate(op: string, o: Resolved): void {
  if (o.mode !== 'min' && o.mode !== 'max') {
    throw new ValueError(op, `mode must be 'min' or 'max', got ${String(o.mode)}`);
  }
  if (o.thresholdMode !== 'rel' && o.thresholdMode !== 'abs') {
    throw new ValueError(op, `thresholdMode must be 'rel' or 'abs', got ${String(o.thresholdMode)}`);
  }
  checkNumber(op, 'options', 'factor', o.factor, { min: 0, below: 1 });
  checkInteger(op, 'options', 'patience', o.patience, 0);
  checkNumber(op, 'options', 'threshold', o.threshold, { min: 0 });
  checkInteger(op, 'options', 'cooldown', o.cooldown, 0);
  checkNumber(op, 'options', 'eps', o.eps, { min: 0 });
  o.minLr.forEach((lr, i) => {
    checkNumber(op, 'options', `minLr[${i}]`, lr, { min: 0 });
  });
}
