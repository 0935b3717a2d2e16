import { noGrad, Tensor, tensor } from '@mlblocks/autograd';
import { tidy, ValueError, zeros } from '@mlblocks/core-tensor';
import { Conv2d } from '../layers/conv.js';
import { Linear } from '../layers/linear.js';
import type { Module } from '../module/module.js';

/** One layer of a `summary()`. */
export interface LayerSummary {
  /** Dotted path, e.g. `layers.0`. */
  name: string;
  /** Class name, e.g. `Linear`. */
  type: string;
  outputShape: number[];
  /** Parameters of this layer itself. */
  params: number;
  /** Floating-point operations per sample, by the lesson's formulas (null where none applies). */
  flopsPerSample: number | null;
  /** Bytes for weights + the mini-batch's inputs + outputs, FP16 and FP32. */
  memoryFp16: number;
  memoryFp32: number;
}

/** What `summary()` returns; `toString()` prints it as a table. */
export interface ModelSummary {
  layers: LayerSummary[];
  batchSize: number;
  totalParams: number;
  trainableParams: number;
  totalFlopsPerSample: number;
  /** Bytes of every parameter in FP16 and in FP32 (2 and 4 per element). */
  parameterMemoryFp16: number;
  parameterMemoryFp32: number;
  toString(): string;
}

/** Options of `summary()`. */
export interface SummaryOptions {
  /**
   * How deep the rows go: `1` gives one row per child of the model (a ResNet's `conv1`, `bn1`,
   * `layer1.0`, …, `fc`), `2` their children, and so on; shallower leaves are rows anyway.
   * Default: every leaf layer. A row's FLOPs add up the convolutions and linear layers inside it.
   */
  depth?: number;
}

/**
 * A per-layer table of output shapes, parameters, FLOPs and memory, computed by running the model
 * once on zeros of `inputShape` (batch first) in eval mode, without gradients. Formulas from the
 * lessons, for a layer with h outputs and n inputs and a mini-batch of b:
 *
 * - Linear: h·n (+h) parameters, 2·h·n FLOPs per sample, memory 2·(h·n + b·n + b·h) bytes in FP16
 *   (4· in FP32) — weights, inputs and outputs;
 * - Conv2d: c_o·(c_i/groups)·k_h·k_w (+c_o) parameters, 2·(c_i/groups)·k_h·k_w·h_o·w_o·c_o FLOPs
 *   per sample, memory counted the same way (weights + batch inputs + batch outputs).
 *
 * Other layers show their parameters and activation memory; their FLOPs are not counted (—). A
 * row above the leaves (`depth`) sums its layers' parameters and FLOPs; its memory counts its
 * parameters, its input and its output.
 *
 * @example
 * console.log(summary(mlp, [128, 784]).toString());
 * console.log(summary(resnet18(), [1, 3, 224, 224], { depth: 1 }).toString()); // one row per block
 */
export function summary(
  model: Module,
  inputShape: readonly number[],
  options: SummaryOptions = {},
): ModelSummary {
  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  if (!(depth >= 1)) throw new ValueError('summary', `depth must be ≥ 1, got ${options.depth}`);
  const batchSize = inputShape[0] ?? 1;
  const layers: LayerSummary[] = [];
  // rows: modules at `depth`, or leaves above it; counted: the layers whose FLOPs the lesson defines
  const rows = new Map<Module, string>();
  const visit = (name: string, m: Module, d: number) => {
    const children = m.namedChildren();
    if (children.size === 0 || d === depth) rows.set(m, name || m.constructor.name);
    else for (const [child, c] of children) visit(name ? `${name}.${child}` : child, c, d + 1);
  };
  visit('', model, 0);
  const counted = new Set<Module>(
    [...model.namedModules().values()].filter((m) => m instanceof Conv2d || m instanceof Linear),
  );
  const hooked = [...new Set([...rows.keys(), ...counted])];
  const originals = hooked.map((m) => m.forward);
  let flopCounter = 0;
  hooked.forEach((m, i) => {
    const name = rows.get(m);
    const countsFlops =
      name !== undefined && [...m.namedModules().values()].some((inner) => counted.has(inner));
    m.forward = (...inputs: unknown[]) => {
      const before = flopCounter;
      const out = originals[i]!.apply(m, inputs);
      if (counted.has(m)) flopCounter += layerFlops(m, firstTensor(out)!);
      if (name !== undefined) {
        const flops = countsFlops ? flopCounter - before : null;
        layers.push(describe(name, m, firstTensor(inputs)!, firstTensor(out)!, batchSize, flops));
      }
      return out;
    };
  });
  const wasTraining = model.training;
  try {
    model.eval();
    tidy(() => noGrad(() => model.forward(tensor(zeros(inputShape)))));
  } finally {
    hooked.forEach((m, i) => {
      m.forward = originals[i]!;
    });
    model.train(wasTraining);
  }
  const totalParams = model.parameterCount();
  const trainableParams = model.parameterCount(true);
  const totalFlopsPerSample = flopCounter;
  const parameterMemoryFp16 = 2 * totalParams;
  const parameterMemoryFp32 = 4 * totalParams;
  return {
    layers,
    batchSize,
    totalParams,
    trainableParams,
    totalFlopsPerSample,
    parameterMemoryFp16,
    parameterMemoryFp32,
    toString: () =>
      render(layers, batchSize, totalParams, trainableParams, totalFlopsPerSample, [
        parameterMemoryFp16,
        parameterMemoryFp32,
      ]),
  };
}

// FLOPs per sample of a Linear or Conv2d layer, by the lesson's formulas.
function layerFlops(m: Module, output: Tensor): number {
  if (m instanceof Linear) return 2 * m.outFeatures * m.inFeatures;
  const conv = m as Conv2d;
  const [kh, kw] = conv.kernelSize;
  const [ho, wo] = output.shape.slice(2) as [number, number];
  const groups = conv.options.groups ?? 1;
  return 2 * (conv.inChannels / groups) * kh * kw * ho * wo * conv.outChannels;
}

// The first Tensor of a layer's inputs or outputs (recurrent layers return [output, state]).
function firstTensor(value: unknown): Tensor | undefined {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = firstTensor(v);
      if (t) return t;
    }
  }
  return undefined;
}

function describe(
  name: string,
  m: Module,
  input: Tensor,
  output: Tensor,
  b: number,
  flops: number | null,
): LayerSummary {
  const params = m.parameters().reduce((n, p) => n + p.size, 0);
  const perSample = (t: Tensor) => t.size / (t.shape[0] || 1);
  // weights (without the bias, as in the lesson's h·n) + the batch's inputs and outputs
  const weights = m instanceof Linear || m instanceof Conv2d ? m.weight.size : params;
  const elements = weights + b * perSample(input) + b * perSample(output);
  return {
    name,
    type: m.constructor.name,
    outputShape: [...output.shape],
    params,
    flopsPerSample: flops,
    memoryFp16: 2 * elements,
    memoryFp32: 4 * elements,
  };
}

function render(
  layers: LayerSummary[],
  b: number,
  total: number,
  trainable: number,
  flops: number,
  [paramFp16, paramFp32]: [number, number],
): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const bytes = (n: number) =>
    n >= 1024 * 1024
      ? `${(n / 1024 / 1024).toFixed(2)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${n} B`;
  const header = [
    'layer',
    'type',
    'output shape',
    'params',
    'FLOPs/sample',
    `memory FP16 (b=${b})`,
    'memory FP32',
  ];
  const rows = layers.map((l) => [
    l.name,
    l.type,
    `[${l.outputShape.join(', ')}]`,
    fmt(l.params),
    l.flopsPerSample === null ? '—' : fmt(l.flopsPerSample),
    bytes(l.memoryFp16),
    bytes(l.memoryFp32),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const rule = '─'.repeat(widths.reduce((a, w) => a + w + 2, -2));
  return [
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `total parameters: ${fmt(total)} (trainable ${fmt(trainable)}); parameter memory ${bytes(paramFp16)} FP16, ${bytes(paramFp32)} FP32`,
    `FLOPs per sample (Linear + Conv2d): ${fmt(flops)}; per mini-batch of ${b}: ${fmt(flops * b)}`,
  ].join('\n');
}
