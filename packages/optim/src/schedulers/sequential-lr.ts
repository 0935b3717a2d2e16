import { ValueError } from '@mlblocks/core-tensor';
import { checkInteger } from '../optimizer/validate.js';
import { type AnyOptimizer, LRScheduler, type SchedulerStateDict } from './scheduler.js';

/**
 * Chains schedulers: `schedulers[0]` runs until `milestones[0]`, then `schedulers[1]` restarts from
 * its own epoch 0, and so on (PyTorch's `SequentialLR`). The usual use is a warmup followed by a
 * decay. Step only the `SequentialLR`, not the schedulers it chains.
 *
 * ```text
 * η_t = schedulers[i].lrAt(t − milestones[i−1])   for milestones[i−1] ≤ t < milestones[i]
 * ```
 *
 * @example
 * const warmup = new LinearWarmup(opt, { warmupSteps: 100 });
 * const cosine = new CosineAnnealingLR(opt, { tMax: 900 });
 * const sched = new SequentialLR(opt, [warmup, cosine], [100]); // step() once per iteration
 */
export class SequentialLR extends LRScheduler<{ milestones: number[] }> {
  /** The chained schedulers. */
  readonly schedulers: readonly LRScheduler[];

  constructor(optimizer: AnyOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super('SequentialLR', optimizer, { milestones: [...milestones] });
    if (schedulers.length === 0) throw new ValueError('SequentialLR', 'needs at least one scheduler');
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'SequentialLR',
        `${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length}`,
      );
    }
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError('SequentialLR', `schedulers[${i}] (${s.name}) drives a different optimizer`);
      }
    });
    this.schedulers = [...schedulers];
    this.apply(this.lrAt(0));
  }

  protected validate(o: { milestones: number[] }, op: string): void {
    if (!Array.isArray(o.milestones)) throw new ValueError(op, 'milestones must be an array of epochs');
    o.milestones.forEach((m, i) => {
      checkInteger(op, 'options', `milestones[${i}]`, m, i === 0 ? 1 : o.milestones[i - 1]! + 1);
    });
  }

  lrAt(epoch: number): number[] {
    const { milestones } = this.options;
    let i = 0;
    while (i < milestones.length && epoch >= milestones[i]!) i++;
    return this.schedulers[i]!.lrAt(epoch - (i === 0 ? 0 : milestones[i - 1]!));
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), children: this.schedulers.map((s) => s.stateDict()) };
  }

  override checkStateDict(dict: SchedulerStateDict): () => void {
    const restore = super.checkStateDict(dict);
    const children = dict.children;
    if (!Array.isArray(children) || children.length !== this.schedulers.length) {
      throw new ValueError(
        `${this.name}.loadStateDict`,
        `the state dict chains ${Array.isArray(children) ? children.length : 'no'} schedulers, this one ${this.schedulers.length}`,
      );
    }
    if ((dict.options.milestones as number[]).length !== this.schedulers.length - 1) {
      throw new ValueError(
        `${this.name}.loadStateDict`,
        `${this.schedulers.length} schedulers need ${this.schedulers.length - 1} milestones in the state dict`,
      );
    }
    const restoreChildren = this.schedulers.map((s, i) => s.checkStateDict(children[i]!));
    return () => {
      restore();
      for (const r of restoreChildren) r();
    };
  }
}
