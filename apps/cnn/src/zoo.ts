import { noGrad, tensor } from '@mlblocks/autograd';
import { Generator, randn, tidy } from '@mlblocks/core-tensor';
import { type ModelSummary, type Module, summary } from '@mlblocks/nn-layers';
import { AlexNet, LeNet5, resnet18 } from '@mlblocks/nn-layers/models';
import { type BackendChoice, formatSeconds, selectBackend } from 'lesson-kit';

/** What `zoo` needs. */
export interface ZooOptions {
  /** Backends to time ResNet-18's forward pass on (`webgpu` is skipped, with the reason, without an adapter). */
  backends: Exclude<BackendChoice, 'auto'>[];
  /** Image side of the timed forward pass (224: ImageNet's). */
  size: number;
  /** Timed forward passes per backend, after one warm-up (the fastest counts, the median is shown). */
  runs: number;
  /** Skip the summaries (only the timings). */
  timingsOnly: boolean;
  /** The models summarized (all three by default). */
  models: readonly ZooModel[];
  seed: number;
  log: (line: string) => void;
}

/** The models of the zoo. */
export type ZooModel = 'lenet5' | 'alexnet' | 'resnet18';

export const ZOO_DEFAULTS: ZooOptions = {
  models: ['lenet5', 'alexnet', 'resnet18'],
  backends: ['cpu', 'wasm', 'webgpu'],
  size: 224,
  runs: 3,
  timingsOnly: false,
  seed: 0,
  log: (line) => console.log(line),
};

/** One backend's timing of ResNet-18's forward pass (batch 1). */
export interface ForwardTiming {
  backend: string;
  description: string;
  /** Fastest and median seconds of a forward pass with the logits read back; null when skipped. */
  fastest: number | null;
  median: number | null;
  skipped?: string;
}

/** What `zoo` printed. */
export interface ZooResult {
  summaries: { name: string; summary: ModelSummary }[];
  timings: ForwardTiming[];
}

/**
 * The model zoo of the lesson: `summary()` of LeNet-5 (28×28 digits), AlexNet and ResNet-18
 * (224×224 ImageNet images, 1,000 classes) — output shapes, parameters, FLOPs and memory per layer
 * — then ResNet-18's forward pass on one 224×224 image timed on each backend.
 */
export async function zoo(partial: Partial<ZooOptions> = {}): Promise<ZooResult> {
  const options = { ...ZOO_DEFAULTS, ...partial };
  const { log } = options;
  const summaries: ZooResult['summaries'] = [];
  if (!options.timingsOnly) {
    const gen = new Generator(options.seed);
    const all: { key: ZooModel; name: string; build: () => Module; input: number[]; depth?: number }[] = [
      {
        key: 'lenet5',
        name: 'LeNet-5 (LeCun et al., 1998)',
        build: () => new LeNet5({ generator: gen }),
        input: [1, 1, 28, 28],
        depth: undefined,
      },
      {
        key: 'alexnet',
        name: 'AlexNet (torchvision)',
        build: () => new AlexNet({ generator: gen }),
        input: [1, 3, 224, 224],
        depth: undefined,
      },
      {
        key: 'resnet18',
        name: 'ResNet-18 (torchvision), one row per block',
        build: () => resnet18({ generator: gen }),
        input: [1, 3, 224, 224],
        depth: 1,
      },
    ];
    const models = all.filter((m) => options.models.includes(m.key));
    for (const m of models) {
      const s = summary(m.build(), m.input, { depth: m.depth });
      summaries.push({ name: m.name, summary: s });
      log(`${m.name} — input [${m.input.join(', ')}]\n`);
      log(s.toString());
      log('');
    }
  }
  log(
    `ResNet-18 forward pass, batch 1, ${options.size}×${options.size}, logits read back (fastest of ${options.runs}, median)`,
  );
  const timings: ForwardTiming[] = [];
  for (const choice of options.backends) {
    let backend: Awaited<ReturnType<typeof selectBackend>>;
    try {
      backend = await selectBackend(choice, log);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0]!;
      timings.push({ backend: choice, description: choice, fastest: null, median: null, skipped: reason });
      log(`  ${choice.padEnd(7)} skipped: ${reason}`);
      continue;
    }
    try {
      const net = resnet18({ generator: new Generator(options.seed), backend: backend.name }).eval();
      const x = tensor(
        randn([1, 3, options.size, options.size], {
          generator: new Generator(options.seed + 1),
          backend: backend.name,
        }),
      );
      const forward = async () => {
        const start = performance.now();
        const logits = tidy(() => noGrad(() => net.forward(x).array.ref()));
        await logits.data();
        logits.dispose();
        return (performance.now() - start) / 1000;
      };
      await forward(); // warm-up: compiles kernels and shaders, fills buffer pools
      const seconds: number[] = [];
      for (let r = 0; r < options.runs; r++) seconds.push(await forward());
      seconds.sort((a, b) => a - b);
      const timing = {
        backend: backend.name,
        description: backend.description,
        fastest: seconds[0]!,
        median: seconds[Math.floor(seconds.length / 2)]!,
      };
      timings.push(timing);
      log(
        `  ${backend.name.padEnd(7)} ${formatSeconds(timing.fastest * 1000).padStart(8)}  (median ${formatSeconds(timing.median * 1000)})  ${backend.description}`,
      );
      x.dispose();
      for (const p of net.stateDict().values()) p.dispose();
    } finally {
      backend.release();
    }
  }
  return { summaries, timings };
}
