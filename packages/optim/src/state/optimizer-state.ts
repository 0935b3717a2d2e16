import type { Tensor } from '@mlblocks/autograd';
import { type NDArray, ValueError } from '@mlblocks/core-tensor';
import type { ParamState } from '../optimizer/param-state.js';
import type { OptimizerOptions, ParamGroup } from '../optimizer/params.js';
import { checkInteger, checkNumber } from '../optimizer/validate.js';
import { decodeArray, describe, type SerializedArray } from './serialize.js';

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

/** What reading a state dict needs to know about the optimizer loading it. */
export interface OptimizerSchema<O extends OptimizerOptions> {
  name: string;
  defaults: Readonly<O>;
  bufferNames: readonly string[];
  requiredBuffers(options: O): readonly string[];
  validateOptions(options: O, where: string): void;
}

/** A state dict, checked and decoded, ready to replace an optimizer's state. */
export interface DecodedState<O> {
  options: (O & { initialLr?: number })[];
  states: Map<Tensor, { step: number; buffers: [string, Float32Array | Float64Array][] }>;
}

/**
 * Writes groups and per-parameter state as a state dict. `serialize` returns the serialized array,
 * or undefined after arranging to call `set` later (asynchronous readback).
 */
export function writeOptimizerState<O extends OptimizerOptions>(
  name: string,
  groups: readonly ParamGroup<O>[],
  stateOf: (param: Tensor) => ParamState | undefined,
  serialize: (
    where: string,
    array: NDArray,
    set: (s: SerializedArray) => void,
  ) => SerializedArray | undefined,
): OptimizerStateDict {
  const index = new Map<Tensor, number>();
  const paramGroups = groups.map((group) => {
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
    const s = stateOf(param);
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
  return { optimizer: name, paramGroups, state };
}

/**
 * Checks a state dict against the optimizer's schema and current groups — kind, group and parameter
 * counts, option names, types and ranges, buffer names, missing buffers, shapes, dtypes, data — and
 * decodes it, changing nothing. Throws a ValueError (ShapeError for shapes) naming what mismatched.
 */
export function readOptimizerState<O extends OptimizerOptions>(
  schema: OptimizerSchema<O>,
  groups: readonly ParamGroup<O>[],
  stateDict: unknown,
): DecodedState<O> {
  const op = `${schema.name}.loadStateDict`;
  if (typeof stateDict !== 'object' || stateDict === null) {
    throw new ValueError(op, `expected a state dict object, got ${describe(stateDict)}`);
  }
  const dict = stateDict as Record<string, unknown>;
  if (dict.optimizer !== schema.name) {
    throw new ValueError(op, `the state dict was written by ${String(dict.optimizer)}, not ${schema.name}`);
  }
  const saved = dict.paramGroups;
  if (!Array.isArray(saved) || saved.length !== groups.length) {
    throw new ValueError(
      op,
      `the state dict has ${Array.isArray(saved) ? saved.length : 'no'} parameter groups, this optimizer ${groups.length}`,
    );
  }
  const byIndex = new Map<number, { param: Tensor; group: number }>();
  const options = saved.map((group, g) => {
    const where = `group ${g}`;
    if (typeof group !== 'object' || group === null) throw new ValueError(op, `${where}: expected an object`);
    const { params: ids, ...values } = group as Record<string, unknown>;
    const params = groups[g]!.params;
    if (!Array.isArray(ids) || ids.length !== params.length) {
      throw new ValueError(
        op,
        `${where} has ${params.length} parameters here but ${Array.isArray(ids) ? ids.length : 'no list of'} parameters in the state dict`,
      );
    }
    // NOTE: an indexed loop, not forEach, which skips the holes of a sparse array ({ params: [,] })
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkInteger(op, where, `params[${i}]`, id, 0);
      if (byIndex.has(id)) throw new ValueError(op, `${where}: parameter index ${id} appears twice`);
      byIndex.set(id, { param: params[i]!, group: g });
    }
    return checkSavedOptions(schema, op, where, values);
  });
  const entries = dict.state;
  if (!Array.isArray(entries)) throw new ValueError(op, `state must be an array, got ${describe(entries)}`);
  const states: DecodedState<O>['states'] = new Map();
  for (const entry of entries as unknown[]) {
    const { param: id, step, buffers } = (entry ?? {}) as Partial<ParamStateDict>;
    const target = typeof id === 'number' ? byIndex.get(id) : undefined;
    if (target === undefined)
      throw new ValueError(op, `state for parameter ${String(id)}, which no group lists`);
    const { param, group } = target;
    const where = `state of parameter ${id} (group ${group}, shape [${param.shape.join(',')}])`;
    if (states.has(param)) throw new ValueError(op, `${where} appears twice`);
    checkInteger(op, where, 'step', step, 0);
    if (typeof buffers !== 'object' || buffers === null)
      throw new ValueError(op, `${where}: buffers missing`);
    for (const name of Object.keys(buffers)) {
      if (!schema.bufferNames.includes(name)) {
        throw new ValueError(
          op,
          `${where}: unknown buffer '${name}' (${schema.name} keeps ${schema.bufferNames.join(', ') || 'none'})`,
        );
      }
    }
    if (step! > 0) {
      for (const name of schema.requiredBuffers(options[group]!)) {
        if (!(name in buffers)) throw new ValueError(op, `${where}: buffer '${name}' is missing`);
      }
    }
    const expected = { dtype: param.dtype, shape: param.shape };
    const arrays = Object.entries(buffers).map(
      ([name, array]) =>
        [name, decodeArray(op, `${where}, buffer '${name}'`, array, expected)] as [
          string,
          Float32Array | Float64Array,
        ],
    );
    states.set(param, { step: step!, buffers: arrays });
  }
  return { options, states };
}

// Checks saved hyperparameters against the defaults' names and types, then their ranges.
function checkSavedOptions<O extends OptimizerOptions>(
  schema: OptimizerSchema<O>,
  op: string,
  where: string,
  saved: Record<string, unknown>,
): O & { initialLr?: number } {
  for (const key of Object.keys(saved)) {
    if (!(key in schema.defaults) && key !== 'initialLr') {
      throw new ValueError(op, `${where}: unknown option '${key}' for ${schema.name}`);
    }
  }
  for (const [key, expected] of Object.entries(schema.defaults)) {
    const value = saved[key];
    const ok = Array.isArray(expected)
      ? Array.isArray(value) && value.length === expected.length && value.every((v) => typeof v === 'number')
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
  schema.validateOptions(options, where);
  return options;
}
