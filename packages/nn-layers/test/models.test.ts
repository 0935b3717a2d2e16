// The CNN lesson's models against torchvision: parameter counts, state-dict names and shapes and
// leaf modules (names.json, written by torchvision 0.14), and a ResNet-18 at width 4 with random
// weights and batch-norm statistics whose logits PyTorch computed (bench/torchvision_reference.py).
import { readFileSync } from 'node:fs';
import { noGrad, type Tensor, tensor } from '@mlblocks/autograd';
import {
  CpuBackend,
  fromArray,
  Generator,
  type NDArray,
  randn,
  registerBackend,
  removeBackend,
  ValueError,
} from '@mlblocks/core-tensor';
import { BatchNorm2d, crossEntropy, LayerNorm, summary } from '@mlblocks/nn-layers';
import {
  AlexNet,
  LeNet5,
  loadTorchvisionState,
  type ResNet,
  resnet18,
  torchvisionName,
  torchvisionStateDict,
  WeightsMismatchError,
} from '@mlblocks/nn-layers/models';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { Adam } from '@mlblocks/optim';
import { beforeAll, describe, expect, it } from 'vitest';

const fixture = (name: string) => new URL(`./fixtures/torchvision/${name}`, import.meta.url).pathname;

interface TorchvisionListing {
  parameters: number;
  stateDict: [string, number[], string][];
  leafModules: [string, string][];
}
const listing = JSON.parse(readFileSync(fixture('names.json'), 'utf8')) as Record<string, TorchvisionListing>;

/** Our state dict as torchvision would list it: [name, shape] under torchvision's names. */
function torchKeys(model: { stateDict(): Map<string, NDArray> }): [string, number[]][] {
  return [...model.stateDict()]
    .map(([k, v]): [string, number[]] => [torchvisionName(k), [...v.shape]])
    .sort(byName);
}

const byName = <T extends [string, ...unknown[]]>(a: T, b: T) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** torchvision's state dict without the batch counters we do not keep. */
function expectedKeys(name: string): [string, number[]][] {
  return listing[name]!.stateDict.filter(([k]) => !k.endsWith('num_batches_tracked'))
    .map(([k, s]): [string, number[]] => [k, s])
    .sort(byName);
}

/** Our leaf modules with their class names, as torchvision's named_modules() lists leaves. */
function leaves(model: ResNet | AlexNet): [string, string][] {
  return [...model.namedModules()]
    .filter(([, m]) => m.namedChildren().size === 0)
    .map(([n, m]) => [n, m.constructor.name]);
}

/** max |a − b| / |b| over the elements, and the same relative to the largest |b|. */
function relativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { elementwise: number; ofMax: number } {
  let elementwise = 0;
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    elementwise = Math.max(elementwise, d / Math.abs(expected[i]!));
    worst = Math.max(worst, d);
    largest = Math.max(largest, Math.abs(expected[i]!));
  }
  return { elementwise, ofMax: worst / largest };
}

describe('LeNet-5', () => {
  it("has LeCun's 61,706 parameters and maps [N, 1, 28, 28] to [N, 10]", () => {
    const net = new LeNet5({ generator: new Generator(0) });
    expect(net.parameterCount()).toBe(61706);
    expect([...net.namedParameters().keys()]).toEqual([
      'features.0.weight',
      'features.0.bias',
      'features.3.weight',
      'features.3.bias',
      'classifier.0.weight',
      'classifier.0.bias',
      'classifier.2.weight',
      'classifier.2.bias',
      'classifier.4.weight',
      'classifier.4.bias',
    ]);
    const y = noGrad(() => net.forward(tensor(randn([3, 1, 28, 28]))));
    expect(y.shape).toEqual([3, 10]);
    // the modern variant has the same size, plus batch norm's scales and shifts
    const modern = new LeNet5({ activation: 'relu', pooling: 'max', batchNorm: true });
    expect(modern.parameterCount()).toBe(61706 + 2 * (6 + 16 + 120 + 84));
    expect(new LeNet5({ inputSize: 32, padding: 0, inChannels: 3 }).parameterCount()).toBe(61706 + 2 * 150);
  });

  it('rejects unknown options, bad values and inputs it cannot take, naming what fits', () => {
    expect(() => new LeNet5({ numClass: 10 } as never)).toThrow(/numClass/);
    expect(() => new LeNet5({ pooling: 'median' as never })).toThrow(ValueError);
    expect(() => new LeNet5({ inputSize: 10 })).toThrow(/too small.*inputSize \+ 2·padding ≥ 16/);
    expect(new LeNet5({ inputSize: 12 }).parameterCount()).toBe(61706 - 400 * 120 + 16 * 120); // 1×1 maps
    const net = new LeNet5();
    expect(() => net.forward(tensor(randn([1, 3, 28, 28])))).toThrow(
      /LeNet5 expects images \[N, 1, 28, 28\]/,
    );
  });
});

describe('AlexNet (torchvision)', () => {
  let net: AlexNet;
  beforeAll(() => {
    net = new AlexNet({ generator: new Generator(0) });
  }, 60_000);

  it("has torchvision's 61,100,840 parameters under torchvision's names and shapes", () => {
    expect(listing.alexnet!.parameters).toBe(61_100_840);
    expect(net.parameterCount()).toBe(61_100_840);
    expect(torchKeys(net)).toEqual(expectedKeys('alexnet'));
    expect(leaves(net)).toEqual(listing.alexnet!.leafModules);
  });

  it('summary() at 224×224: [1, 256, 6, 6] features, 1,000 logits, FLOPs of every layer', () => {
    const s = summary(net, [1, 3, 224, 224]);
    expect(s.layers.find((l) => l.name === 'features.12')!.outputShape).toEqual([1, 256, 6, 6]);
    expect(s.layers.at(-1)!.outputShape).toEqual([1, 1000]);
    // conv1: 2·3·11·11·55·55·64 FLOPs on a 55×55 output
    expect(s.layers[0]).toMatchObject({
      outputShape: [1, 64, 55, 55],
      flopsPerSample: 2 * 3 * 121 * 55 * 55 * 64,
    });
    expect(s.totalParams).toBe(61_100_840);
    expect(s.parameterMemoryFp32).toBe(4 * 61_100_840);
    expect(s.toString()).toContain('total parameters: 61,100,840');
  }, 60_000);
});

describe('ResNet-18 (torchvision)', () => {
  it("has torchvision's 11,689,512 parameters, names, shapes and leaf modules", () => {
    const net = resnet18({ generator: new Generator(0) });
    expect(listing.resnet18!.parameters).toBe(11_689_512);
    expect(net.parameterCount()).toBe(11_689_512);
    expect(torchKeys(net)).toEqual(expectedKeys('resnet18'));
    expect(leaves(net)).toEqual(listing.resnet18!.leafModules);
    // torchvision's init: He normal on the fan-out for convolutions, std √(2 / (64·7·7))
    const w = [...net.conv1.weight.dataSync()];
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (64 * 49)), 3);
    expect([...torchvisionStateDict(net).keys()].sort()).toEqual(expectedKeys('resnet18').map(([k]) => k));
    // parameters in torchvision's order (what optimizers and parameter groups see)
    const torchParams = listing.resnet18!.stateDict.map(([k]) => k).filter((k) => /\.(weight|bias)$/.test(k));
    expect([...net.namedParameters().keys()].map(torchvisionName)).toEqual(torchParams);
  });

  it('summary() by block (depth 1): shapes from 112×112 to 7×7, 3.63 GFLOPs per 224×224 image', () => {
    const net = resnet18({ width: 8, numClasses: 10 }); // the full width costs seconds on the CPU
    const s = summary(net, [1, 3, 224, 224], { depth: 1 });
    expect(s.layers.map((l) => l.name)).toEqual([
      'conv1',
      'bn1',
      'relu',
      'maxpool',
      'layer1.0',
      'layer1.1',
      'layer2.0',
      'layer2.1',
      'layer3.0',
      'layer3.1',
      'layer4.0',
      'layer4.1',
      'avgpool',
      'fc',
    ]);
    expect(s.layers.map((l) => l.outputShape[2])).toEqual([
      112,
      112,
      112,
      56,
      56,
      56,
      28,
      28,
      14,
      14,
      7,
      7,
      1,
      undefined,
    ]);
    // a block's FLOPs add up its convolutions: layer2.0 has a strided 3×3, a 3×3 and the 1×1 downsample
    const c = 8;
    expect(s.layers[6]!.flopsPerSample).toBe(2 * 28 * 28 * (c * 9 * 2 * c + 2 * c * 9 * 2 * c + c * 2 * c));
    expect(s.layers[6]!.params).toBe(2 * c * c * 9 + 2 * c * 2 * c * 9 + 2 * c * c + 3 * 2 * (2 * c));
    // ResNet-18's 1.81 GMACs are 3,628,146,688 FLOPs at width 64: FLOPs scale with width²
    // except the stem (3 input channels) and fc
    const full = 3_628_146_688;
    const stem = 2 * 3 * 49 * 112 * 112 * 64;
    const fc = 2 * 512 * 1000;
    expect(s.totalFlopsPerSample).toBe((full - stem - fc) / 64 + stem / 8 + 2 * 64 * 10);
  }, 60_000);

  describe('with the weights and batch-norm statistics of a torchvision ResNet-18 at width 4', () => {
    let io: Map<string, NDArray>;
    let state: Map<string, NDArray>;
    beforeAll(async () => {
      io = (await loadSafetensors(fixture('resnet18-w4-io.safetensors'))).tensors;
      state = (await loadSafetensors(fixture('resnet18-w4.safetensors'))).tensors;
    });

    it("loads the state dict by torchvision's names and matches PyTorch's eval-mode logits to 1e-4", () => {
      const net = resnet18({ width: 4, numClasses: 10 });
      const result = loadTorchvisionState(net, state);
      expect(result.loaded).toHaveLength(net.stateDict().size);
      expect(result.batchesTracked).toHaveLength(20); // one per batch norm, checked and skipped
      expect(net.bn1.runningMean.dataSync()).toEqual(state.get('bn1.running_mean')!.dataSync());
      net.eval();
      const logits = noGrad(() => net.forward(tensor(io.get('input')!)));
      expect(logits.shape).toEqual([2, 10]);
      const err = relativeError(logits.dataSync(), io.get('logits_eval')!.dataSync());
      console.log(
        `ResNet-18 (width 4) eval logits vs PyTorch: max relative difference ${err.elementwise.toExponential(2)} (elementwise), ${err.ofMax.toExponential(2)} (of the largest logit)`,
      );
      expect(err.elementwise).toBeLessThan(1e-4);
    });

    it("matches PyTorch in training mode too: batch statistics, and the running averages' update", () => {
      const net = resnet18({ width: 4, numClasses: 10 });
      loadTorchvisionState(net, state);
      net.train();
      const logits = noGrad(() => net.forward(tensor(io.get('input')!)));
      // batch statistics of 2 images (1×1 maps in layer4) amplify float32 rounding: 1e-4 of the largest logit
      expect(relativeError(logits.dataSync(), io.get('logits_train')!.dataSync()).ofMax).toBeLessThan(1e-4);
      for (const key of ['bn1', 'layer1.0.bn2', 'layer4.1.bn2', 'layer4.0.downsample.1']) {
        const bn = net.namedModules().get(key) as BatchNorm2d;
        expect(
          relativeError(bn.runningMean.dataSync(), io.get(`${key}.running_mean`)!.dataSync()).ofMax,
        ).toBeLessThan(1e-4);
        expect(
          relativeError(bn.runningVar.dataSync(), io.get(`${key}.running_var`)!.dataSync()).elementwise,
        ).toBeLessThan(1e-4);
      }
    });

    it('a mismatched file throws a WeightsMismatchError naming each layer and what fits, and loads nothing', () => {
      const wider = resnet18({ width: 8, numClasses: 10, generator: new Generator(3) });
      const before = [...wider.stateDict()].map(([k, v]) => [k, [...v.dataSync()]]);
      let error: unknown;
      try {
        loadTorchvisionState(wider, state);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WeightsMismatchError);
      const { message, problems, hint } = error as WeightsMismatchError;
      expect(message).toContain(
        "conv1.weight: the file has [4, 3, 7, 7] but conv1 (Conv2d(3 → 8, 7×7, stride 2)) expects [8, 3, 7, 7]; the file's tensor fits Conv2d(3 → 4, 7×7)",
      );
      expect(message).toContain(
        "bn1.running_mean: the file has [4] but bn1 (BatchNorm2d(8)) expects [8]; the file's tensor fits BatchNorm2d(4)",
      );
      expect(message).toContain('nothing was loaded');
      expect(hint).toContain("the file's ResNet has width 4: build it with { width: 4 }");
      expect(problems.every((p) => p.kind === 'shape')).toBe(true);
      expect([...wider.stateDict()].map(([k, v]) => [k, [...v.dataSync()]])).toEqual(before); // untouched

      const imagenet = resnet18({ width: 4, numClasses: 1000 });
      expect(() => loadTorchvisionState(imagenet, state)).toThrow(
        /fc\.weight: the file has \[10, 32\] but fc \(Linear\(32 → 1000\)\) expects \[1000, 32\]; the file's tensor fits Linear\(32 → 10\)[\s\S]*hint: the file's classifier has 10 classes: build the model with \{ numClasses: 10 \}, load, then call resetClassifier\(1000\)/,
      );
    });

    it('names missing and unexpected keys (strict), skips them when not strict, and checks batch counters', () => {
      const net = resnet18({ width: 4, numClasses: 10 });
      const partial = new Map(state);
      partial.delete('layer3.1.bn2.running_var');
      partial.set('layer5.0.conv1.weight', state.get('layer4.0.conv1.weight')!);
      expect(() => loadTorchvisionState(net, partial)).toThrow(
        /layer5\.0\.conv1\.weight \[32, 16, 3, 3\]: the model has no such parameter or buffer[\s\S]*layer3\.1\.bn2\.running_var: the file has no value for layer3\.1\.bn2 \(BatchNorm2d\(16\)\), which needs \[16\]/,
      );
      const result = loadTorchvisionState(net, partial, { strict: false });
      expect(result.missing).toEqual(['layer3.1.bn2.runningVar']);
      expect(result.unexpected).toEqual(['layer5.0.conv1.weight']);
      expect(net.fc.bias!.dataSync()).toEqual(state.get('fc.bias')!.dataSync());

      const badCounter = new Map(state);
      badCounter.set('bn1.num_batches_tracked', fromArray([1.5, 2]));
      expect(() => loadTorchvisionState(resnet18({ width: 4, numClasses: 10 }), badCounter)).toThrow(
        /bn1\.num_batches_tracked: the file has \[2\] but bn1 \(BatchNorm2d\(4\)\) expects \[\]; the file's tensor fits an integer scalar/,
      );
    });
  });

  it('BatchNorm2d alone: training steps and eval match PyTorch (biased batch variance, unbiased running variance)', async () => {
    const io = (await loadSafetensors(fixture('resnet18-w4-io.safetensors'))).tensors;
    const bn = new BatchNorm2d(3);
    bn.weight!.array.assign(fromArray([1.5, 0.5, -1.0]));
    bn.bias!.array.assign(fromArray([0.1, -0.2, 0.3]));
    for (const i of [0, 1]) {
      const y = noGrad(() => bn.forward(tensor(io.get(`bn.x${i}`)!)));
      expect(relativeError(y.dataSync(), io.get(`bn.y${i}`)!.dataSync()).ofMax).toBeLessThan(1e-5);
      expect(
        relativeError(bn.runningMean.dataSync(), io.get(`bn.running_mean${i}`)!.dataSync()).ofMax,
      ).toBeLessThan(1e-5);
      expect(
        relativeError(bn.runningVar.dataSync(), io.get(`bn.running_var${i}`)!.dataSync()).elementwise,
      ).toBeLessThan(1e-5);
    }
    bn.eval();
    const y = noGrad(() => bn.forward(tensor(io.get('bn.x0')!)));
    expect(relativeError(y.dataSync(), io.get('bn.y_eval')!.dataSync()).ofMax).toBeLessThan(1e-5);
  });
});

describe('models on a named backend', () => {
  it('put every parameter and buffer (batch-norm statistics included) on the backend they were given', () => {
    registerBackend('models-side', new CpuBackend('models-side'));
    try {
      const nets = [
        resnet18({ numClasses: 3, width: 4, backend: 'models-side' }),
        new LeNet5({ batchNorm: true, backend: 'models-side' }),
      ];
      for (const net of nets) {
        const arrays = [...net.parameters().map((p) => p.array), ...net.namedBuffers().values()];
        expect(arrays.map((a) => a.backend.name).filter((n) => n !== 'models-side')).toEqual([]);
      }
      expect(new BatchNorm2d(2, { backend: 'models-side' }).runningVar.backend.name).toBe('models-side');
      expect(new LayerNorm(2, 1e-5, true, { backend: 'models-side' }).weight?.array.backend.name).toBe(
        'models-side',
      );
      const x = tensor(randn([1, 3, 32, 32], { backend: 'models-side', generator: new Generator(1) }));
      expect(nets[0].forward(x).shape).toEqual([1, 3]);
    } finally {
      removeBackend('models-side');
    }
  });
});

describe('transfer learning with the models', () => {
  it('a frozen backbone gets no gradient and no update; a new head and param groups learn at their own rates', () => {
    const gen = new Generator(5);
    const net = new LeNet5({ activation: 'relu', pooling: 'max', generator: gen });
    net.freeze(); // requiresGrad off for the whole tree …
    const head = net.resetClassifier(4, { generator: gen }); // … and a new head for 4 classes
    const fc2 = net.classifier[2]!;
    fc2.unfreeze(); // the layer before the head learns too, more slowly
    expect(net.parameterCount(true)).toBe(84 * 4 + 4 + 120 * 84 + 84);
    expect(net.numClasses).toBe(4);

    const backbone = net.features[0]!.parameters()[0]!;
    const snapshot = (t: Tensor) => [...t.dataSync()];
    const [b0, h0, f0] = [snapshot(backbone), snapshot(head.weight), snapshot(fc2.parameters()[0]!)];
    const opt = new Adam(
      [
        { params: fc2.parameters(), lr: 1e-4 },
        { params: head.parameters(), lr: 1e-2 },
      ],
      {},
    );
    const x = tensor(randn([8, 1, 28, 28], { generator: gen }));
    const labels = fromArray([0, 1, 2, 3, 0, 1, 2, 3], { dtype: 'int32' });
    const loss = crossEntropy(net.forward(x), labels);
    loss.backward();
    expect(backbone.grad).toBeNull();
    expect(head.weight.grad).not.toBeNull();
    opt.step();
    expect(snapshot(backbone)).toEqual(b0);
    // Adam's first step moves every weight by about its learning rate
    const moved = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(moved(snapshot(head.weight), h0)).toBeCloseTo(1e-2, 3);
    expect(moved(snapshot(fc2.parameters()[0]!), f0)).toBeCloseTo(1e-4, 5);
  });
});
