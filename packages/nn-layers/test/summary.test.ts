import { AvgPool2d, Conv2d, Flatten, Linear, Sequential, Sigmoid, summary, Tanh } from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';

describe('summary', () => {
  it("uses the lesson's formulas for a 784-256-10 MLP at batch 128", () => {
    const mlp = new Sequential(new Linear(784, 256), new Sigmoid(), new Linear(256, 10));
    const s = summary(mlp, [128, 784]);
    const [fc1, act, fc2] = s.layers;
    expect(fc1).toMatchObject({
      type: 'Linear',
      outputShape: [128, 256],
      params: 784 * 256 + 256,
      flopsPerSample: 2 * 256 * 784,
    });
    expect(fc1!.memoryFp16).toBe(2 * (256 * 784 + 128 * 784 + 128 * 256));
    expect(fc1!.memoryFp32).toBe(4 * (256 * 784 + 128 * 784 + 128 * 256));
    expect(act!.flopsPerSample).toBeNull();
    expect(fc2!.params).toBe(2570);
    expect(s.totalParams).toBe(203530);
    expect(s.totalFlopsPerSample).toBe(2 * 256 * 784 + 2 * 10 * 256);
    expect(s.toString()).toContain('total parameters: 203,530 (trainable 203,530)');
    expect(mlp.training).toBe(true); // summary restores the mode it found
  });

  it('counts LeNet-5: 61,706 parameters and 2·c_i·k_h·k_w·h_o·w_o·c_o FLOPs per convolution', () => {
    const lenet = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new Tanh(),
      new AvgPool2d(2),
      new Conv2d(6, 16, 5),
      new Tanh(),
      new AvgPool2d(2),
      new Flatten(),
      new Linear(400, 120),
      new Tanh(),
      new Linear(120, 84),
      new Tanh(),
      new Linear(84, 10),
    );
    const s = summary(lenet, [1, 1, 28, 28]);
    expect(s.totalParams).toBe(61706);
    expect(s.layers[0]).toMatchObject({
      outputShape: [1, 6, 28, 28],
      params: 156,
      flopsPerSample: 2 * 1 * 5 * 5 * 28 * 28 * 6,
    });
    expect(s.layers[3]).toMatchObject({
      outputShape: [1, 16, 10, 10],
      params: 2416,
      flopsPerSample: 2 * 6 * 5 * 5 * 10 * 10 * 16,
    });
    expect(s.layers[6]!.outputShape).toEqual([1, 400]);
  });

  it('counts a grouped convolution per group, sums blocks at a depth, and totals parameter memory', () => {
    const net = new Sequential(
      new Conv2d(8, 16, 3, { padding: 1, groups: 4 }),
      new Sequential(new Conv2d(16, 16, 1), new Tanh(), new Flatten()),
      new Linear(16 * 6 * 6, 10),
    );
    const leaves = summary(net, [2, 8, 6, 6]);
    expect(leaves.layers.map((l) => l.name)).toEqual([
      'layers.0',
      'layers.1.layers.0',
      'layers.1.layers.1',
      'layers.1.layers.2',
      'layers.2',
    ]);
    expect(leaves.layers[0]!.flopsPerSample).toBe(2 * (8 / 4) * 3 * 3 * 6 * 6 * 16);
    expect(leaves.layers[0]!.params).toBe(16 * 2 * 9 + 16);
    const blocks = summary(net, [2, 8, 6, 6], { depth: 1 });
    expect(blocks.layers.map((l) => [l.name, l.type, l.outputShape])).toEqual([
      ['layers.0', 'Conv2d', [2, 16, 6, 6]],
      ['layers.1', 'Sequential', [2, 576]],
      ['layers.2', 'Linear', [2, 10]],
    ]);
    expect(blocks.layers[1]!.flopsPerSample).toBe(2 * 16 * 36 * 16);
    expect(blocks.layers[1]!.params).toBe(16 * 16 + 16);
    expect(blocks.totalFlopsPerSample).toBe(leaves.totalFlopsPerSample);
    expect(blocks.parameterMemoryFp16).toBe(2 * net.parameterCount());
    expect(blocks.toString()).toContain('parameter memory 12.4 KiB FP16, 24.8 KiB FP32'); // 6,346 parameters
    expect(() => summary(net, [1, 8, 6, 6], { depth: 0 })).toThrow(/depth must be ≥ 1/);
  });
});
