import { enableGrad, noGrad, type Tensor } from '@mlblocks/autograd';
import { checkOptions, type NDArray, type OptionNames, tidy, ValueError } from '@mlblocks/core-tensor';
import {
  type OptimizerSchema,
  type OptimizerStateDict,
  readOptimizerState,
  writeOptimizerState,
} from '../state/optimizer-state.js';
import { type SerializedArray, serializeArray, serializeArrayAsync, uploadLike } from '../state/serialize.js';
import { ParamState } from './param-state.js';
import {
  groupTensors,
  normalizeParams,
  type OptimizerOptions,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
} from './params.js';
import { checkNumber, withDefaults } from './validate.js';

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
    checkOptions<Partial<O>>(name, options, namesOf(defaults));
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
    checkOptions<Partial<O> & { initialLr?: number }>(
      this.name,
      overrides as Partial<O>,
      { ...namesOf(this.defaults), initialLr: true },
      where,
    );
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
    const { options, states } = readOptimizerState(this.schema(), this.paramGroups, stateDict);
    // everything checked: now replace
    this.dispose();
    options.forEach((values, g) => {
      const group = this.paramGroups[g]! as unknown as Record<string, unknown>;
      if (!('initialLr' in values)) delete group.initialLr;
      Object.assign(group, values);
    });
    for (const [param, saved] of states) {
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
    return writeOptimizerState(this.name, this.paramGroups, (p) => this.state.get(p), serialize);
  }

  private schema(): OptimizerSchema<O> {
    return {
      name: this.name,
      defaults: this.defaults,
      bufferNames: this.bufferNames,
      requiredBuffers: (options) => this.requiredBuffers(options),
      validateOptions: (options, where) => this.validateOptions(options, where),
    };
  }
}

// The option names of an optimizer: the keys of its defaults.
function namesOf<O extends object>(defaults: O): OptionNames<Partial<O>> {
  return Object.fromEntries(Object.keys(defaults).map((k) => [k, true])) as OptionNames<Partial<O>>;
}
