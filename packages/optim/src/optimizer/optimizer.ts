import { enableGrad, noGrad, type Tensor } from '@mlblocks/autograd';
import { type NDArray, tidy, ValueError } from '@mlblocks/core-tensor';
import {
  decodeArray,
  describe,
  type SerializedArray,
  serializeArray,
  serializeArrayAsync,
  uploadLike,
} from '../state/serialize.js';
import { ParamState } from './param-state.js';
import {
  groupTensors,
  normalizeParams,
  type OptimizerOptions,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
} from './params.js';
import { checkInteger, checkNumber, withDefaults } from './validate.js';

/** A hyperparameter value as stored in a state dict. */
export type OptionValue = number | boolean | readonly number[];

/** One parameter group in a state dict: its hyperparameters and its parameters' indices. */
export interface ParamGroupStateDict {
  /** Indices of the group's parameters, numbered across groups in order (0, 1, 2, …). */
  params: number[];
  [option: string]: OptionValue | undefined;
}

/** One parameter's optimizer state in a state dict. */
export interface ParamStateDict {
  /** Index of the parameter (see `ParamGroupStateDict.params`). */
  param: number;
  /** Updates applied to it so far. */
  step: number;
  /** Its state arrays by name (e.g. `expAvg`, `expAvgSq`). */
  buffers: Record<string, SerializedArray>;
}

/**
 * An optimizer's state as plain data: JSON-serialisable (`JSON.stringify` / `JSON.parse` round-trip
 * it exactly), with no references to tensors — parameters are identified by their position.
 */
export interface OptimizerStateDict {
  /** The optimizer that wrote it (`'SGD'`, `'Adam'`, …); loading into another kind is refused. */
  optimizer: string;
  paramGroups: ParamGroupStateDict[];
  /** Parameters that have state (those that received at least one update), by index. */
  state: ParamStateDict[];
}

/**
 * Base class of the optimizers: parameter groups, the update loop, `zeroGrad`, and state dicts.
 * A subclass supplies the per-parameter update rule (`update`) and describes its state arrays.
 *
 * `step()` runs without recording gradients and inside a `tidy` scope: intermediates are freed, the
 * state arrays an update keeps (momentum, running averages) are marked with `keep` and each one is
 * freed when replaced, so a training loop holds `memory()` flat. Parameters with no `.grad` (or that
 * no longer require grad, e.g. frozen ones) are skipped.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The parameter groups, each with its own hyperparameters (e.g. `paramGroups[0].lr`). */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Hyperparameters used where a group does not override them. */
  readonly defaults: Readonly<O>;
  /** The optimizer's name (`'SGD'`, `'Adam'`, …), recorded in state dicts. */
  readonly name: string;
  private readonly state = new Map<Tensor, ParamState>();

  /** `defaults` are the optimizer's own defaults; `options` the user's overrides of them. */
  protected constructor(name: string, params: Params<O>, defaults: O, options: Partial<O> | undefined) {
    this.name = name;
    for (const key of Object.keys(options ?? {})) {
      if (!(key in defaults)) {
        throw new ValueError(
          name,
          `unknown option '${key}' (${name} takes ${Object.keys(defaults).join(', ')})`,
        );
      }
    }
    const merged = withDefaults<O>(defaults, options);
    this.validateOptions(merged, 'options');
    this.defaults = Object.freeze(merged);
    for (const group of normalizeParams<O>(name, params)) this.addParamGroup(group);
  }

  /**
   * Adds a group of parameters with its own hyperparameters (the defaults fill the rest) — e.g. to
   * train layers unfrozen later in fine-tuning. A tensor may belong to one group only.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `group ${this.paramGroups.length}`;
    if (typeof group !== 'object' || group === null || !('params' in group)) {
      throw new ValueError(this.name, `${where}: expected { params, ...options }`);
    }
    const { params, ...overrides } = group;
    const tensors = groupTensors(this.name, where, params);
    for (const [i, p] of tensors.entries()) {
      const other = this.paramGroups.findIndex((g) => g.params.includes(p));
      if (other >= 0) {
        throw new ValueError(this.name, `${where}: params[${i}] is already in group ${other}`);
      }
    }
    for (const key of Object.keys(overrides)) {
      if (!(key in this.defaults) && key !== 'initialLr') {
        throw new ValueError(
          this.name,
          `${where}: unknown option '${key}' (${this.name} takes ${Object.keys(this.defaults).join(', ')})`,
        );
      }
    }
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    const options = { ...this.defaults, ...defined } as O & { initialLr?: number };
    this.validateOptions(options, where);
    if (options.initialLr !== undefined)
      checkNumber(this.name, where, 'initialLr', options.initialLr, { min: 0 });
    this.paramGroups.push({ ...options, params: tensors });
  }

  /**
   * Applies one update to every parameter that has a gradient. With a `closure` (which recomputes
   * the loss and calls `backward()`), it is called first, with gradients recorded, and its result
   * is returned.
   */
  step<T = void>(closure?: () => T): T | undefined {
    const result = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (p.grad === null || !p.requiresGrad) continue;
            let state = this.state.get(p);
            if (state === undefined) {
              state = new ParamState();
              this.state.set(p, state);
            }
            state.step++;
            p.assign(this.update(p.array, p.grad.array, group, state));
          }
        }
      }),
    );
    return result;
  }

  /** Clears the gradient of every parameter (sets `.grad` to null, freeing it). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad();
  }

  /** Frees the optimizer's state arrays (the parameters are untouched). */
  dispose(): void {
    for (const state of this.state.values()) state.dispose();
    this.state.clear();
  }

  /**
   * The optimizer's state as plain, JSON-serialisable data: every group's hyperparameters and each
   * parameter's step count and state arrays (as base64 of their bytes, so values survive exactly).
   * Reads the arrays back synchronously (CPU and wasm backends); on a GPU use `stateDictAsync()`.
   */
  stateDict(): OptimizerStateDict {
    return this.buildStateDict((where, array) => serializeArray(where, array)) as OptimizerStateDict;
  }

  /** `stateDict()` for any backend: awaits each state array's readback. */
  async stateDictAsync(): Promise<OptimizerStateDict> {
    const pending: Promise<void>[] = [];
    const dict = this.buildStateDict((where, array, set) => {
      pending.push(serializeArrayAsync(where, array).then(set));
      return undefined;
    });
    await Promise.all(pending);
    return dict;
  }

  /**
   * Restores a state dict written by `stateDict()` of the same kind of optimizer over parameters of
   * the same shapes, in the same groups and order: the groups' hyperparameters (learning rates
   * included) and every parameter's state. Everything is checked before anything changes; a
   * mismatch throws a `ValueError` (or `ShapeError` for shapes) naming the group, parameter and
   * buffer, and leaves the optimizer as it was.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const dict = stateDict as unknown as Record<string, unknown>;
    if (typeof dict !== 'object' || dict === null) {
      throw new ValueError(op, `expected a state dict object, got ${describe(dict)}`);
    }
    if (dict.optimizer !== this.name) {
      throw new ValueError(op, `the state dict was written by ${String(dict.optimizer)}, not ${this.name}`);
    }
    const groups = dict.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new ValueError(
        op,
        `the state dict has ${Array.isArray(groups) ? groups.length : 'no'} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, { param: Tensor; group: number }>();
    const newOptions = groups.map((saved, g) => {
      const where = `group ${g}`;
      if (typeof saved !== 'object' || saved === null)
        throw new ValueError(op, `${where}: expected an object`);
      const { params: ids, ...options } = saved as Record<string, unknown>;
      const params = this.paramGroups[g]!.params;
      if (!Array.isArray(ids) || ids.length !== params.length) {
        throw new ValueError(
          op,
          `${where} has ${params.length} parameters here but ${Array.isArray(ids) ? ids.length : 'no list of'} parameters in the state dict`,
        );
      }
      ids.forEach((id, i) => {
        checkInteger(op, where, `params[${i}]`, id, 0);
        if (byIndex.has(id)) throw new ValueError(op, `${where}: parameter index ${id} appears twice`);
        byIndex.set(id, { param: params[i]!, group: g });
      });
      return this.checkSavedOptions(op, where, options);
    });
    const states = dict.state;
    if (!Array.isArray(states)) throw new ValueError(op, `state must be an array, got ${describe(states)}`);
    const decoded = new Map<Tensor, { step: number; buffers: [string, Float32Array | Float64Array][] }>();
    for (const entry of states as unknown[]) {
      const { param: id, step, buffers } = (entry ?? {}) as Partial<ParamStateDict>;
      const target = typeof id === 'number' ? byIndex.get(id) : undefined;
      if (target === undefined) {
        throw new ValueError(op, `state for parameter ${String(id)}, which no group lists`);
      }
      const where = `state of parameter ${id} (group ${target.group}, shape [${target.param.shape.join(',')}])`;
      if (decoded.has(target.param)) throw new ValueError(op, `${where} appears twice`);
      checkInteger(op, where, 'step', step, 0);
      if (typeof buffers !== 'object' || buffers === null)
        throw new ValueError(op, `${where}: buffers missing`);
      const groupOptions = newOptions[target.group]!;
      for (const name of Object.keys(buffers)) {
        if (!this.bufferNames.includes(name)) {
          throw new ValueError(
            op,
            `${where}: unknown buffer '${name}' (${this.name} keeps ${this.bufferNames.join(', ') || 'none'})`,
          );
        }
      }
      if (step! > 0) {
        for (const name of this.requiredBuffers(groupOptions)) {
          if (!(name in buffers)) throw new ValueError(op, `${where}: buffer '${name}' is missing`);
        }
      }
      const arrays = Object.entries(buffers).map(
        ([name, saved]) =>
          [
            name,
            decodeArray(op, `${where}, buffer '${name}'`, saved, {
              dtype: target.param.dtype,
              shape: target.param.shape,
            }),
          ] as [string, Float32Array | Float64Array],
      );
      decoded.set(target.param, { step: step!, buffers: arrays });
    }
    // everything checked: now replace
    this.dispose();
    newOptions.forEach((options, g) => {
      const group = this.paramGroups[g]! as unknown as Record<string, unknown>;
      if (!('initialLr' in options)) delete group.initialLr;
      Object.assign(group, options);
    });
    for (const [param, saved] of decoded) {
      const state = new ParamState();
      state.step = saved.step;
      for (const [name, values] of saved.buffers) state.set(name, uploadLike(values, param.array));
      this.state.set(param, state);
    }
  }

  /**
   * The update rule: returns the parameter's new values from its current values, its gradient, its
   * group's hyperparameters and its state (whose `step` already counts this update). Runs inside
   * `noGrad` and `tidy`; store state arrays with `state.set`.
   */
  protected abstract update(param: NDArray, grad: NDArray, group: ParamGroup<O>, state: ParamState): NDArray;

  /** Throws a ValueError naming `where` (e.g. `group 1`) when a hyperparameter is out of range. */
  protected abstract validateOptions(options: O, where: string): void;

  /** Every state array name this optimizer may keep per parameter. */
  protected abstract readonly bufferNames: readonly string[];

  /** The state arrays a parameter updated at least once must have under `options`. */
  protected abstract requiredBuffers(options: O): readonly string[];

  /** The state of one parameter (for tests and inspection): its step count and state arrays. */
  getState(param: Tensor): { step: number; buffers: Record<string, NDArray> } | undefined {
    const state = this.state.get(param);
    if (state === undefined) return undefined;
    return {
      step: state.step,
      buffers: Object.fromEntries(state.names().map((n) => [n, state.get(n)!])),
    };
  }

  private buildStateDict(
    serialize: (
      where: string,
      array: NDArray,
      set: (s: SerializedArray) => void,
    ) => SerializedArray | undefined,
  ): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const saved: ParamGroupStateDict = { params: [] };
      for (const [key, value] of Object.entries(options)) {
        if (value !== undefined) saved[key] = Array.isArray(value) ? [...value] : (value as OptionValue);
      }
      for (const p of params) {
        index.set(p, index.size);
        saved.params.push(index.get(p)!);
      }
      return saved;
    });
    const state: ParamStateDict[] = [];
    for (const [param, id] of index) {
      const s = this.state.get(param);
      if (s === undefined) continue;
      const entry: ParamStateDict = { param: id, step: s.step, buffers: {} };
      for (const name of s.names()) {
        const result = serialize(`parameter ${id}, buffer '${name}'`, s.get(name)!, (v) => {
          entry.buffers[name] = v;
        });
        if (result !== undefined) entry.buffers[name] = result;
      }
      state.push(entry);
    }
    return { optimizer: this.name, paramGroups, state };
  }

  // Checks saved hyperparameters against the defaults' names and types, then their ranges.
  private checkSavedOptions(
    op: string,
    where: string,
    saved: Record<string, unknown>,
  ): O & { initialLr?: number } {
    for (const key of Object.keys(saved)) {
      if (!(key in this.defaults) && key !== 'initialLr') {
        throw new ValueError(op, `${where}: unknown option '${key}' for ${this.name}`);
      }
    }
    for (const [key, expected] of Object.entries(this.defaults)) {
      const value = saved[key];
      const ok = Array.isArray(expected)
        ? Array.isArray(value) &&
          value.length === expected.length &&
          value.every((v) => typeof v === 'number')
        : typeof value === typeof expected;
      if (!ok) {
        throw new ValueError(
          op,
          `${where}: option '${key}' should be ${Array.isArray(expected) ? `an array of ${expected.length} numbers` : `a ${typeof expected}`}, got ${describe(value)}`,
        );
      }
    }
    const options = { ...saved } as unknown as O & { initialLr?: number };
    if (options.initialLr !== undefined) checkNumber(op, where, 'initialLr', options.initialLr, { min: 0 });
    this.validateOptions(options, where);
    return options;
  }
}
