import { type Tensor, tensor } from '@mlblocks/autograd';
import {
  CpuBackend,
  Generator,
  ones,
  randn,
  registerBackend,
  removeBackend,
  ShapeError,
  zeros,
} from '@mlblocks/core-tensor';
import {
  BatchNorm1d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  Module,
  ReLU,
  Sequential,
  StateDictError,
} from '@mlblocks/nn-layers';
import { describe, expect, it } from 'vitest';

class TwoLayer extends Module {
  fc1 = new Linear(4, 3, { generator: new Generator(1) });
  fc2 = new Linear(3, 2, { generator: new Generator(2) });
  forward(x: Tensor) {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}

describe('Module', () => {
  it('finds parameters, buffers and children by walking fields', () => {
    const net = new Sequential(
      new Linear(4, 3),
      new BatchNorm1d(3),
      new ReLU(),
      new Dropout(0.1),
      new Linear(3, 2),
    );
    expect([...net.namedParameters().keys()]).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'layers.4.weight',
      'layers.4.bias',
    ]);
    expect([...net.namedBuffers().keys()]).toEqual(['layers.1.runningMean', 'layers.1.runningVar']);
    expect(net.parameterCount()).toBe(4 * 3 + 3 + 3 + 3 + 3 * 2 + 2);
    expect([...new TwoLayer().namedModules().keys()]).toEqual(['', 'fc1', 'fc2']);
    expect(new Linear(4, 3, { bias: false }).parameters().length).toBe(1);
  });

  it('train()/eval() reach every descendant; freeze()/unfreeze() toggle gradients', () => {
    const net = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5)));
    net.eval();
    expect([...net.namedModules().values()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.namedModules().values()].every((m) => m.training)).toBe(true);
    const head = new TwoLayer();
    head.fc1.freeze();
    expect(head.parameterCount(true)).toBe(3 * 2 + 2);
    const x = tensor(ones([5, 4]));
    head.forward(x).sum().backward();
    expect(head.fc1.weight.grad).toBeNull();
    expect(head.fc2.weight.grad).not.toBeNull();
    head.unfreeze();
    expect(head.parameterCount(true)).toBe(head.parameterCount());
  });

  it('stateDict/loadStateDict round-trip in place, with strict key and shape checks', () => {
    const a = new TwoLayer();
    const b = new TwoLayer();
    const x = tensor(ones([2, 4]));
    b.loadStateDict(new Map([...a.stateDict()].map(([k, v]) => [k, v.add(1)])));
    const weightBefore = b.fc1.weight;
    b.loadStateDict(a.stateDict());
    expect(b.fc1.weight).toBe(weightBefore); // same tensor object, values copied in
    expect(b.forward(x).toArraySync()).toEqual(a.forward(x).toArraySync());

    const missing = new Map(a.stateDict());
    missing.delete('fc2.bias');
    expect(() => b.loadStateDict(missing)).toThrow(StateDictError);
    expect(() => b.loadStateDict(missing)).toThrow(/TwoLayer: missing keys \[fc2.bias\]/);
    const extra = new Map(a.stateDict()).set('fc3.weight', zeros([1]));
    expect(() => b.loadStateDict(extra)).toThrow(/unexpected keys \[fc3.weight\]/);
    expect(b.loadStateDict(extra, false).unexpected).toEqual(['fc3.weight']);
    const misshaped = new Map(a.stateDict()).set('fc1.weight', zeros([4, 3]));
    expect(() => b.loadStateDict(misshaped)).toThrow(ShapeError);
    expect(() => b.loadStateDict(misshaped)).toThrow(
      'TwoLayer.fc1.weight: checkpoint has shape [4,3] but the model expects [3,4]',
    );
  });

  it('to(backend) moves parameters and buffers', () => {
    registerBackend('second', new CpuBackend('second'));
    try {
      const net = new Sequential(new Conv2d(1, 2, 3), new Flatten(), new BatchNorm1d(8));
      net.to('second');
      expect(net.parameters().every((p) => p.array.backend.name === 'second' && p.requiresGrad)).toBe(true);
      expect([...net.namedBuffers().values()].every((b) => b.backend.name === 'second')).toBe(true);
      const y = net.forward(tensor(ones([2, 1, 4, 4], { backend: 'second' })));
      expect(y.shape).toEqual([2, 8]);
    } finally {
      removeBackend('second');
    }
  });

  it("Linear's activation equals the activation layer after it, and refuses unknown ones", () => {
    for (const [activation, layer] of [
      ['relu', (t: Tensor) => t.relu()],
      ['tanh', (t: Tensor) => t.tanh()],
      ['sigmoid', (t: Tensor) => t.sigmoid()],
    ] as const) {
      const fused = new Linear(5, 3, { generator: new Generator(3), activation });
      const plain = new Linear(5, 3, { generator: new Generator(3) });
      const x = tensor(randn([4, 5], { generator: new Generator(4) }));
      const want = layer(plain.forward(x)).array.dataSync();
      const got = fused.forward(x).array.dataSync();
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, 6);
    }
    expect(() => new Linear(2, 2, { activation: 'gelu' as 'relu' })).toThrow(
      'Linear: unknown activation "gelu"; valid ones are none, relu, tanh, sigmoid',
    );
  });

  it('Linear checks its input width', () => {
    expect(() => new Linear(4, 2).forward(tensor(ones([3, 5])))).toThrow(
      'Linear.forward: Linear(4 → 2) expects inputs of shape [..., 4], got [3,5]',
    );
  });
});
