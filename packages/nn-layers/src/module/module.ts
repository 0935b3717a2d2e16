import { noGrad, Tensor } from '@mlblocks/autograd';
import { canCastLosslessly, DTypeError, NDArray, ShapeError } from '@mlblocks/core-tensor';
import { StateDictError } from '../errors.js';

/** A model's persistent state: parameters and buffers by dotted name (`'fc1.weight'`). */
export type StateDict = Map<string, NDArray>;

/**
 * The base of every layer and model. A module's state is found by walking its own fields
 * (as needle and PyTorch do): a `Tensor` field is a parameter, an `NDArray` field a buffer
 * (persistent state such as BatchNorm's running mean), a `Module` field a child; arrays of
 * those are numbered (`layers.0.weight`). Subclasses just assign fields and write `forward`.
 *
 * @example
 * class TwoLayer extends Module {
 *   fc1 = new Linear(784, 256);
 *   fc2 = new Linear(256, 10);
 *   forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 */
export abstract class Module {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;

  /** Computes the module's output. Each layer narrows the signature (inputs and outputs) it needs. */
  // biome-ignore lint/suspicious/noExplicitAny: layers take tensors, index arrays or states and return tensors or tuples
  abstract forward(...inputs: any[]): any;

  /** Parameters (this module's and its children's), in definition order. */
  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }

  /** Parameters by dotted name. */
  namedParameters(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.walk(prefix, (name, value) => {
      if (value instanceof Tensor) out.set(name, value);
    });
    return out;
  }

  /** Buffers (non-learned persistent state) by dotted name. */
  namedBuffers(prefix = ''): Map<string, NDArray> {
    const out = new Map<string, NDArray>();
    this.walk(prefix, (name, value) => {
      if (value instanceof NDArray) out.set(name, value);
    });
    return out;
  }

  /** This module and every descendant, by dotted name ('' for this one). */
  namedModules(prefix = ''): Map<string, Module> {
    const out = new Map<string, Module>([[prefix, this]]);
    for (const [name, child] of this.namedChildren()) {
      for (const [n, m] of child.namedModules(join(prefix, name))) out.set(n, m);
    }
    return out;
  }

  /** Direct children by field name. */
  namedChildren(): Map<string, Module> {
    const out = new Map<string, Module>();
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.set(key, value);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.set(`${key}.${i}`, v);
        });
      }
    }
    return out;
  }

  /** Switches this module and its descendants to training mode. */
  train(mode = true): this {
    for (const m of this.namedModules().values()) m.training = mode;
    return this;
  }

  /** Switches to evaluation mode (`train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Stops gradients to every parameter (e.g. a pretrained backbone in transfer learning). */
  freeze(): this {
    for (const p of this.parameters()) p.requiresGrad = false;
    return this;
  }

  /** Lets gradients flow to every parameter again. */
  unfreeze(): this {
    for (const p of this.parameters()) p.requiresGrad = true;
    return this;
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Moves parameters and buffers to another backend (in place: fields are replaced). */
  to(backend: string): this {
    for (const m of this.namedModules().values()) m.moveOwnFields(backend);
    return this;
  }

  /** Parameters and buffers by dotted name (the arrays themselves, not copies). */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    for (const [name, p] of this.namedParameters()) out.set(name, p.array);
    for (const [name, b] of this.namedBuffers()) out.set(name, b);
    return out;
  }

  /**
   * Copies values from `state` into the parameters and buffers, in place — all or nothing: every
   * entry is checked (keys; shapes; dtypes, which must convert without loss as in `assign`; arrays
   * not disposed) and moved to the model's backend before the first value is written, so a
   * rejected state dict leaves the model untouched. With `strict` (default), missing and
   * unexpected keys are errors. Returns the keys that were skipped (non-strict).
   *
   * @throws {StateDictError} on missing or unexpected keys (strict), or an entry that is not a live
   * `NDArray`; {ShapeError} or {DTypeError} naming the model, the key, what the checkpoint holds
   * and what the model expects.
   *
   * @example
   * model.loadStateDict(other.stateDict()); // copies every parameter and buffer
   */
  loadStateDict(
    state: ReadonlyMap<string, NDArray>,
    strict = true,
  ): { missing: string[]; unexpected: string[] } {
    const op = 'loadStateDict';
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    const modelName = this.constructor.name;
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      throw new StateDictError(
        op,
        `${modelName}: ${missing.length ? `missing keys [${missing.join(', ')}]` : ''}${missing.length && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected keys [${unexpected.join(', ')}]` : ''}`,
      );
    }
    const pairs: [target: NDArray, source: NDArray][] = [];
    for (const [name, target] of own) {
      const source = state.get(name);
      if (source === undefined) continue;
      checkEntry(op, `${modelName}.${name}`, source, target);
      pairs.push([target, source]);
    }
    // transfers can fail too (a backend that cannot read back synchronously): all before any write
    const moved: NDArray[] = [];
    try {
      for (const [target, source] of pairs) {
        moved.push(source.backend === target.backend ? source : source.to(target.backend.name));
      }
      noGrad(() => {
        pairs.forEach(([target], i) => {
          target.assign(moved[i]!);
        });
      });
    } finally {
      moved.forEach((m, i) => {
        if (m !== pairs[i]![1]) m.dispose();
      });
    }
    return { missing, unexpected };
  }

  /** Number of parameter elements (trainable only, if asked). */
  parameterCount(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.size, 0);
  }

  private walk(prefix: string, visit: (name: string, value: unknown) => void): void {
    for (const [key, value] of Object.entries(this)) {
      const items: [string, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [`${key}.${i}`, v])
        : [[key, value]];
      for (const [name, item] of items) {
        if (item instanceof Module) item.walk(join(prefix, name), visit);
        else visit(join(prefix, name), item);
      }
    }
  }

  private moveOwnFields(backend: string): void {
    const self = this as unknown as Record<string, unknown>;
    const move = (v: unknown): unknown => {
      if (v instanceof Tensor) return v.array.backend.name === backend ? v : v.to(backend);
      if (v instanceof NDArray) return v.backend.name === backend ? v : v.to(backend);
      return v;
    };
    for (const [key, value] of Object.entries(this)) {
      if (Array.isArray(value)) self[key] = value.map((v) => (v instanceof Module ? v : move(v)));
      else self[key] = move(value);
    }
  }
}

// One state-dict entry against the array it would overwrite: what would make `assign` fail.
function checkEntry(op: string, where: string, source: unknown, target: NDArray): void {
  if (!(source instanceof NDArray)) {
    throw new StateDictError(op, `${where}: expected an NDArray, got ${describeValue(source)}`);
  }
  if (source.isDisposed) throw new StateDictError(op, `${where}: the state dict's array was disposed`);
  if (target.isDisposed) throw new StateDictError(op, `${where}: the model's own array was disposed`);
  if (source.rank !== target.rank || source.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      op,
      `${where}: checkpoint has shape [${source.shape.join(',')}] but the model expects [${target.shape.join(',')}]`,
    );
  }
  if (!canCastLosslessly(source.dtype, target.dtype)) {
    throw new DTypeError(
      op,
      `${where}: checkpoint has dtype ${source.dtype} but the model's ${target.dtype} array cannot hold it without loss; cast it first (e.g. array.cast('${target.dtype}'))`,
    );
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
