import { canCastLosslessly, type NDArray } from '@mlblocks/core-tensor';
import { StateDictError } from '../errors.js';
import { Conv2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import { BatchNorm1d, BatchNorm2d } from '../layers/norm.js';
import type { Module, StateDict } from '../module/module.js';

/** One entry of a weight file that does not fit the model. */
export interface WeightProblem {
  /** `missing`: the model needs it and the file lacks it; `unexpected`: the model has no place for it. */
  kind: 'missing' | 'unexpected' | 'shape' | 'dtype';
  /** The key under torchvision's name (`layer1.0.bn1.running_mean`). */
  key: string;
  /** The layer it belongs to (`layer1.0.bn1`) and what it is (`BatchNorm2d(64)`), where the model has it. */
  layer: string;
  module?: string;
  /** Shapes and dtypes in the file and in the model, where both exist. */
  fileShape?: number[];
  modelShape?: number[];
  fileDType?: string;
  modelDType?: string;
  /** A layer that the file's tensor would fit (`Conv2d(3 → 64, 7×7)`), for shape problems. */
  fits?: string;
}

/**
 * A weight file that does not fit the model: wrong names, shapes or dtypes. `problems` lists every
 * mismatch (the message shows the first ones, each with its layer and what would fit); `hint`
 * says how to build a model that takes the file, where the file tells (its class count, width).
 * The model is left untouched.
 */
export class WeightsMismatchError extends StateDictError {
  constructor(
    op: string,
    readonly problems: WeightProblem[],
    readonly hint: string,
    model: string,
  ) {
    super(op, formatProblems(model, problems, hint));
  }
}

/** Options of {@link loadTorchvisionState}. */
export interface LoadTorchvisionOptions {
  /**
   * With `strict` (default), every parameter and buffer of the model must be in the file and
   * every tensor of the file must have a place in the model. Without it, missing and unexpected
   * keys are skipped and reported; shapes and dtypes must fit either way.
   */
  strict?: boolean;
}

/** What {@link loadTorchvisionState} did. */
export interface LoadTorchvisionResult {
  /** Our keys (camelCase) that were loaded. */
  loaded: string[];
  /** torchvision keys the model has no place for (non-strict only). */
  unexpected: string[];
  /** Our keys the file had no value for (non-strict only). */
  missing: string[];
  /** BatchNorm `num_batches_tracked` counters that were checked and skipped (see below). */
  batchesTracked: string[];
}

/**
 * torchvision's (PyTorch's) name for one of our state-dict keys: every dotted segment from
 * camelCase to snake_case — `bn1.runningMean` → `bn1.running_mean`, `layer1.0.conv1.weight`
 * unchanged. The models of this folder use PyTorch's module names, so only the buffers differ.
 */
export function torchvisionName(name: string): string {
  return name
    .split('.')
    .map((segment) => segment.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    .join('.');
}

/**
 * The model's state dict under torchvision's names (the arrays themselves, not copies): saved as
 * safetensors, it loads in PyTorch with `model.load_state_dict(safetensors.torch.load_file(path))`.
 * BatchNorm's `num_batches_tracked` is not written: this library does not count batches (its
 * momentum is fixed), and PyTorch fills the missing counter in with 0 when loading.
 */
export function torchvisionStateDict(model: Module): StateDict {
  const out: StateDict = new Map();
  for (const [name, array] of model.stateDict()) out.set(torchvisionName(name), array);
  return out;
}

/**
 * Loads a state dict saved from torchvision (e.g. with `safetensors.torch.save_file(
 * model.state_dict(), path)`, read by `loadSafetensors`) into a model of this folder —
 * `resnet18()`, `AlexNet` — by torchvision's names: `layer1.0.conv1.weight`,
 * `bn1.running_mean`, `classifier.6.bias`. All or nothing: every name, shape and dtype is checked
 * first, and a file that does not fit throws a {@link WeightsMismatchError} naming each layer,
 * both shapes and the layer the file's tensor would fit, leaving the model untouched.
 *
 * BatchNorm's `num_batches_tracked` (int64 in PyTorch, read as int32) is checked to be an integer
 * scalar of a BatchNorm layer and skipped: PyTorch only uses it when `momentum=None`, which this
 * library does not offer.
 *
 * @example
 * const net = resnet18();
 * const { tensors } = await loadSafetensors('resnet18.safetensors'); // @mlblocks/nn-layers/node
 * loadTorchvisionState(net, tensors);
 * net.eval(); // ImageNet logits for [N, 3, 224, 224] images normalized like torchvision's
 */
export function loadTorchvisionState(
  model: Module,
  state: ReadonlyMap<string, NDArray>,
  options: LoadTorchvisionOptions = {},
): LoadTorchvisionResult {
  const op = 'loadTorchvisionState';
  const strict = options.strict ?? true;
  const own = model.stateDict();
  const modules = model.namedModules();
  const ours = new Map<string, string>(); // torchvision name → our name
  for (const name of own.keys()) ours.set(torchvisionName(name), name);

  const problems: WeightProblem[] = [];
  const mapped = new Map<string, NDArray>();
  const unexpected: string[] = [];
  const batchesTracked: string[] = [];
  for (const [key, source] of state) {
    const name = ours.get(key);
    if (name === undefined) {
      const layer = key.slice(0, key.lastIndexOf('.'));
      const bn = modules.get(ourModuleName(modules, layer));
      if (key.endsWith('.num_batches_tracked') && (bn instanceof BatchNorm2d || bn instanceof BatchNorm1d)) {
        if (source.size !== 1 || source.rank > 1 || !/int/.test(source.dtype)) {
          problems.push({
            kind: 'shape',
            key,
            layer,
            module: describeModule(bn),
            fileShape: [...source.shape],
            modelShape: [],
            fileDType: source.dtype,
            fits: 'an integer scalar (a batch counter)',
          });
        } else batchesTracked.push(key);
        continue;
      }
      unexpected.push(key);
      if (strict) problems.push({ kind: 'unexpected', key, layer, fileShape: [...source.shape] });
      continue;
    }
    const target = own.get(name)!;
    const layer = name.slice(0, name.lastIndexOf('.'));
    const module = modules.get(layer);
    const where = { key, layer, module: module ? describeModule(module) : undefined };
    if (source.rank !== target.rank || source.shape.some((d, i) => d !== target.shape[i])) {
      problems.push({
        kind: 'shape',
        ...where,
        fileShape: [...source.shape],
        modelShape: [...target.shape],
        fits: module ? fitting(module, name.slice(layer.length + 1), source.shape) : undefined,
      });
    } else if (!canCastLosslessly(source.dtype, target.dtype)) {
      problems.push({ kind: 'dtype', ...where, fileDType: source.dtype, modelDType: target.dtype });
    } else mapped.set(name, source);
  }
  const missing = [...own.keys()].filter((name) => !state.has(torchvisionName(name)));
  if (strict) {
    for (const name of missing) {
      const layer = name.slice(0, name.lastIndexOf('.'));
      const module = modules.get(layer);
      problems.push({
        kind: 'missing',
        key: torchvisionName(name),
        layer,
        module: module ? describeModule(module) : undefined,
        modelShape: [...own.get(name)!.shape],
      });
    }
  }
  if (problems.length > 0) {
    throw new WeightsMismatchError(op, problems, modelHint(model, state), model.constructor.name);
  }
  model.loadStateDict(mapped, false); // all or nothing; everything above already fits
  return { loaded: [...mapped.keys()], unexpected, missing, batchesTracked };
}

// The module path of a torchvision layer path ('layer1.0.bn1' is ours too: only buffers differ).
function ourModuleName(modules: ReadonlyMap<string, Module>, layer: string): string {
  if (modules.has(layer)) return layer;
  for (const name of modules.keys()) if (torchvisionName(name) === layer) return name;
  return layer;
}

/** A one-line description of a layer: `Conv2d(3 → 64, 7×7, stride 2)`, `Linear(512 → 10)`, `BatchNorm2d(64)`. */
export function describeModule(m: Module): string {
  if (m instanceof Conv2d) {
    const [kh, kw] = m.kernelSize;
    const { stride, groups } = m.options;
    const s = typeof stride === 'number' ? stride : stride?.[0];
    return `Conv2d(${m.inChannels} → ${m.outChannels}, ${kh}×${kw}${s && s !== 1 ? `, stride ${s}` : ''}${groups && groups !== 1 ? `, groups ${groups}` : ''})`;
  }
  if (m instanceof Linear) return `Linear(${m.inFeatures} → ${m.outFeatures})`;
  if (m instanceof BatchNorm2d || m instanceof BatchNorm1d) return `${m.constructor.name}(${m.numFeatures})`;
  return m.constructor.name;
}

// The layer of `m`'s kind that a tensor of `shape` under `field` would fit.
function fitting(m: Module, field: string, shape: readonly number[]): string | undefined {
  if (m instanceof Conv2d && field === 'weight' && shape.length === 4) {
    const groups = m.options.groups ?? 1;
    const [o, i, kh, kw] = shape as [number, number, number, number];
    return `Conv2d(${i * groups} → ${o}, ${kh}×${kw}${groups !== 1 ? `, groups ${groups}` : ''})`;
  }
  if (m instanceof Linear && field === 'weight' && shape.length === 2)
    return `Linear(${shape[1]} → ${shape[0]})`;
  if (m instanceof Linear && field === 'bias' && shape.length === 1)
    return `Linear(${m.inFeatures} → ${shape[0]})`;
  if (m instanceof Conv2d && field === 'bias' && shape.length === 1)
    return `Conv2d(${m.inChannels} → ${shape[0]}, ${m.kernelSize.join('×')})`;
  if ((m instanceof BatchNorm2d || m instanceof BatchNorm1d) && shape.length === 1)
    return `${m.constructor.name}(${shape[0]})`;
  return undefined;
}

// What the file says about the model it came from: its classes (the head's rows) and, for
// ResNets, its width (the stem's output channels).
function modelHint(model: Module, state: ReadonlyMap<string, NDArray>): string {
  const parts: string[] = [];
  const own = model.stateDict();
  const head = ['fc.weight', 'classifier.6.weight'].find((k) => state.has(k) && own.has(k));
  if (head) {
    const classes = state.get(head)!.shape[0]!;
    if (classes !== own.get(head)!.shape[0]) {
      parts.push(
        `the file's classifier has ${classes} classes: build the model with { numClasses: ${classes} }, load, then call resetClassifier(${own.get(head)!.shape[0]}) for your task`,
      );
    }
  }
  const stem = state.get('conv1.weight');
  if (stem && own.has('conv1.weight')) {
    const [width, channels] = stem.shape as [number, number];
    const [ownWidth, ownChannels] = own.get('conv1.weight')!.shape as [number, number];
    if (width !== ownWidth)
      parts.push(`the file's ResNet has width ${width}: build it with { width: ${width} }`);
    if (channels !== ownChannels)
      parts.push(
        `the file's stem takes ${channels} input channels: build it with { inChannels: ${channels} }`,
      );
  }
  return parts.join('; ');
}

function formatProblems(model: string, problems: readonly WeightProblem[], hint: string): string {
  const shown = 8;
  const shape = (s?: number[]) => `[${(s ?? []).join(', ')}]`;
  const lines = problems.slice(0, shown).map((p) => {
    const layer = p.module ? `${p.layer} (${p.module})` : p.layer;
    switch (p.kind) {
      case 'missing':
        return `${p.key}: the file has no value for ${layer}, which needs ${shape(p.modelShape)}`;
      case 'unexpected':
        return `${p.key} ${shape(p.fileShape)}: the model has no such parameter or buffer`;
      case 'dtype':
        return `${p.key}: the file holds ${p.fileDType}, which ${layer}'s ${p.modelDType} cannot hold without loss`;
      default:
        return `${p.key}: the file has ${shape(p.fileShape)} but ${layer} expects ${shape(p.modelShape)}${p.fits ? `; the file's tensor fits ${p.fits}` : ''}`;
    }
  });
  const more = problems.length > shown ? [`… and ${problems.length - shown} more`] : [];
  const summary = `${model}: the weights do not fit (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was loaded`;
  return [
    summary,
    ...lines.map((l) => `  ${l}`),
    ...more.map((l) => `  ${l}`),
    ...(hint ? [`  hint: ${hint}`] : []),
  ].join('\n');
}
