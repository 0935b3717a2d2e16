import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import { tidy, zeros } from '@mlblocks/core-tensor';
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
  toString(): string;
}

/**
 * A per-layer table of output shapes, parameters, FLOPs and memory, computed by running the model
 * once on zeros of `inputShape` (batch first). Formulas from the lessons, for a layer with h
 * outputs and n inputs and a mini-batch of b:
 *
 * - Linear: h·n (+h) parameters, 2·h·n FLOPs per sample, memory 2·(h·n + b·n + b·h) bytes in FP16
 *   (4· in FP32) — weights, inputs and outputs;
 * - Conv2d: c_o·c_i·k_h·k_w (+c_o) parameters, 2·c_i·k_h·k_w·h_o·w_o·c_o FLOPs per sample, memory
 *   counted the same way (weights + batch inputs + batch outputs).
 *
 * Other layers show their parameters and activation memory; their FLOPs are not counted (—).
 *
 * @example
 * console.log(summary(mlp, [128, 784]).toString());
 */
export function summary(model: Module, inputShape: readonly number[]): ModelSummary {
  const batchSize = inputShape[0] ?? 1;
  const layers: LayerSummary[] = [];
  const leaves = [...model.namedModules()].filter(([, m]) => m.namedChildren().size === 0);
  const originals = leaves.map(([, m]) => m.forward);
  leaves.forEach(([name, m], i) => {
    m.forward = (...inputs: unknown[]) => {
      const out = originals[i]!.apply(m, inputs) as Tensor;
      layers.push(describe(name || m.constructor.name, m, inputs[0] as Tensor, out, batchSize));
      return out;
    };
  });
  const wasTraining = model.training;
  try {
    model.eval();
    tidy(() => noGrad(() => model.forward(tensor(zeros(inputShape)))));
  } finally {
    leaves.forEach(([, m], i) => {
      m.forward = originals[i]!;
    });
    model.train(wasTraining);
  }
  const totalParams = model.parameterCount();
  const trainableParams = model.parameterCount(true);
  const totalFlopsPerSample = layers.reduce((n, l) => n + (l.flopsPerSample ?? 0), 0);
  return {
    layers,
    batchSize,
    totalParams,
    trainableParams,
    totalFlopsPerSample,
    toString: () => render(layers, batchSize, totalParams, trainableParams, totalFlopsPerSample),
  };
}

function describe(name: string, m: Module, input: Tensor, output: Tensor, b: number): LayerSummary {
  const params = m.parameters().reduce((n, p) => n + p.size, 0);
  const perSample = (t: Tensor) => t.size / (t.shape[0] || 1);
  let flops: number | null = null;
  if (m instanceof Linear) flops = 2 * m.outFeatures * m.inFeatures;
  if (m instanceof Conv2d) {
    const [kh, kw] = m.kernelSize;
    const [ho, wo] = output.shape.slice(2) as [number, number];
    flops = 2 * m.inChannels * kh * kw * ho * wo * m.outChannels;
  }
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

function render(layers: LayerSummary[], b: number, total: number, trainable: number, flops: number): string {
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
    `total parameters: ${fmt(total)} (trainable ${fmt(trainable)})`,
    `FLOPs per sample (Linear + Conv2d): ${fmt(flops)}; per mini-batch of ${b}: ${fmt(flops * b)}`,
  ].join('\n');
}
