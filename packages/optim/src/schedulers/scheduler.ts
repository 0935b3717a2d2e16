import { ValueError } from '@mlblocks/core-tensor';
import type { Optimizer } from '../optimizer/optimizer.js';
import type { OptimizerOptions } from '../optimizer/params.js';
import { checkInteger, checkNumber } from '../optimizer/validate.js';
import { describe } from '../state/serialize.js';

/** A scheduler option as stored in a state dict. */
export type SchedulerOptionValue = number | string | boolean | number[];

/** A learning-rate scheduler's state as plain, JSON-serialisable data. */
export interface SchedulerStateDict {
  /** The scheduler that wrote it (`'StepLR'`, …); loading into another kind is refused. */
  scheduler: string;
  /** Number of `step()` calls so far. */
  lastEpoch: number;
  /** Each group's learning rate before scheduling (`initialLr`). */
  baseLrs: number[];
  /** The learning rates it last set. */
  lastLrs: number[];
  /** The constructor options. */
  options: Record<string, SchedulerOptionValue>;
  /** The state of the schedulers it chains (`SequentialLR`). */
  children?: SchedulerStateDict[];
}

/** Any optimizer, as schedulers see it: groups with a learning rate. */
export type AnyOptimizer = Optimizer<OptimizerOptions>;

/**
 * Base class of the epoch-indexed schedulers (as PyTorch's `LRScheduler`): each defines the
 * learning rate of every group as a closed-form function of the group's initial learning rate and
 * the number of `step()` calls so far (`lastEpoch`). Creating a scheduler sets the rates for epoch 0
 * (and records each group's current `lr` as its `initialLr` if no scheduler did before); each
 * `step()` advances one epoch (or one iteration — call it as often as your schedule counts).
 */
export abstract class LRScheduler<S extends object = object> {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** The scheduler's name (`'StepLR'`, …), recorded in state dicts. */
  readonly name: string;
  /** Each group's learning rate before scheduling. */
  baseLrs: number[];
  /** Number of `step()` calls so far (0 right after construction). */
  lastEpoch = 0;
  /** The scheduler's options (constructor options with defaults filled in). */
  protected options: S;
  private lastLrs: number[] = [];

  /** Subclasses call `this.apply(this.lrAt(0))` once their own fields are set. */
  protected constructor(name: string, optimizer: AnyOptimizer, options: S) {
    this.name = name;
    this.optimizer = optimizer;
    this.validate(options, name);
    this.options = options;
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** Throws a ValueError (with `op` as the op name) when an option is out of range. */
  protected abstract validate(options: S, op: string): void;

  /** The learning rates of every group at `epoch` (a pure function of `baseLrs`, options and `epoch`). */
  abstract lrAt(epoch: number): number[];

  /** Advances one epoch and sets the groups' learning rates. */
  step(): void {
    this.lastEpoch++;
    this.apply(this.lrAt(this.lastEpoch));
  }

  /** The learning rates this scheduler last set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** The scheduler's state as plain, JSON-serialisable data. */
  stateDict(): SchedulerStateDict {
    return {
      scheduler: this.name,
      lastEpoch: this.lastEpoch,
      baseLrs: [...this.baseLrs],
      lastLrs: [...this.lastLrs],
      options: copyOptions(this.options as Record<string, SchedulerOptionValue>),
    };
  }

  /**
   * Restores a state dict written by the same kind of scheduler (epoch, initial rates, options) and
   * sets the learning rates it had last set. Everything is checked first; a mismatch throws a
   * `ValueError` naming it and changes nothing.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const restore = this.checkStateDict(stateDict);
    restore();
    this.apply(this.lastLrs);
  }

  /** @internal Validates `dict` and returns the function that restores it (without applying lrs). */
  checkStateDict(dict: SchedulerStateDict): () => void {
    const op = `${this.name}.loadStateDict`;
    const d = checkCommon(op, this.name, this.optimizer.paramGroups.length, dict);
    const options = checkOptions(op, this.options as Record<string, SchedulerOptionValue>, d.options) as S;
    this.validate(options, op);
    return () => {
      this.options = options;
      this.lastEpoch = d.lastEpoch;
      this.baseLrs = [...d.baseLrs];
      this.lastLrs = [...d.lastLrs];
    };
  }

  /** @internal Sets the groups' learning rates. */
  protected apply(lrs: readonly number[]): void {
    const groups = this.optimizer.paramGroups;
    if (lrs.length !== groups.length) {
      throw new ValueError(
        this.name,
        `the optimizer has ${groups.length} parameter groups but the scheduler was set up for ${lrs.length}; create the scheduler after adding groups`,
      );
    }
    lrs.forEach((lr, i) => {
      groups[i]!.lr = lr;
    });
    this.lastLrs = [...lrs];
  }
}

/** @internal Checks the fields every scheduler state dict has. */
export function checkCommon(op: string, name: string, groups: number, dict: unknown): SchedulerStateDict {
  if (typeof dict !== 'object' || dict === null) {
    throw new ValueError(op, `expected a scheduler state dict, got ${describe(dict)}`);
  }
  const d = dict as SchedulerStateDict;
  if (d.scheduler !== name) {
    throw new ValueError(op, `the state dict was written by ${String(d.scheduler)}, not ${name}`);
  }
  checkInteger(op, 'state dict', 'lastEpoch', d.lastEpoch, 0);
  for (const key of ['baseLrs', 'lastLrs'] as const) {
    const lrs = d[key];
    if (!Array.isArray(lrs) || lrs.length !== groups) {
      throw new ValueError(
        op,
        `${key} has ${Array.isArray(lrs) ? lrs.length : 'no'} entries but the optimizer has ${groups} parameter groups`,
      );
    }
    lrs.forEach((lr, i) => {
      checkNumber(op, 'state dict', `${key}[${i}]`, lr, { min: 0 });
    });
  }
  if (typeof d.options !== 'object' || d.options === null) throw new ValueError(op, 'options missing');
  return d;
}

/** @internal Checks saved options against the current ones' names and types. */
export function checkOptions(
  op: string,
  current: Record<string, SchedulerOptionValue>,
  saved: Record<string, unknown>,
): Record<string, SchedulerOptionValue> {
  for (const key of Object.keys(saved)) {
    if (!(key in current)) throw new ValueError(op, `unknown option '${key}'`);
  }
  for (const [key, expected] of Object.entries(current)) {
    const value = saved[key];
    const ok = Array.isArray(expected)
      ? Array.isArray(value) && value.every((v) => typeof v === 'number')
      : typeof value === typeof expected;
    if (!ok) {
      throw new ValueError(
        op,
        `option '${key}' should be ${Array.isArray(expected) ? 'an array of numbers' : `a ${typeof expected}`}, got ${describe(value)}`,
      );
    }
  }
  return copyOptions(saved as Record<string, SchedulerOptionValue>);
}

/** @internal A copy of plain options (arrays copied too). */
export function copyOptions(
  options: Record<string, SchedulerOptionValue>,
): Record<string, SchedulerOptionValue> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}
