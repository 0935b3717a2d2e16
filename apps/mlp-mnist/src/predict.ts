import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad, tensor } from '@mlblocks/autograd';
import { dispose, fromArray, tidy } from '@mlblocks/core-tensor';
import { loadSafetensors } from '@mlblocks/nn-layers/node';
import { type BackendChoice, type PlotFiles, selectBackend, writePlot } from 'lesson-kit';
import { infoFromMetadata } from './checkpoint.js';
import { grayPng, readInk, toMnistDigit } from './digit-image.js';
import { buildMlp } from './model.js';

/** What `predict` needs. */
export interface PredictOptions {
  image: string;
  checkpoint: string;
  backend?: BackendChoice;
  outDir?: string;
  log?: (line: string) => void;
}

/** The network's answer for one image. */
export interface Prediction {
  label: number;
  className: string;
  probabilities: number[];
  /** The 28×28 input the network saw (0–255). */
  input: Uint8Array;
  files: { input: string; probabilities: PlotFiles };
}

/**
 * Classifies a PNG of a handwritten digit with a checkpoint written by `train`: the image is
 * converted like MNIST (grayscale, light ink on dark, 20×20 box centered by mass in 28×28),
 * standardized with the training set's statistics, and passed forward once.
 */
export async function predict(options: PredictOptions): Promise<Prediction> {
  const { log = (line: string) => console.log(line), outDir = 'out/mlp-mnist' } = options;
  const backend = await selectBackend(options.backend ?? 'cpu', log);
  try {
    const { tensors, metadata } = await loadSafetensors(options.checkpoint, { backend: backend.name });
    const info = infoFromMetadata(metadata, options.checkpoint);
    const model = buildMlp(info.shape, { backend: backend.name });
    model.loadStateDict(tensors);
    dispose([...tensors.values()]);
    model.eval();

    const input = toMnistDigit(readInk(await readFile(options.image)));
    const probs = tidy(() =>
      noGrad(() => {
        const x = fromArray(input, { shape: [1, input.length], backend: backend.name })
          .cast('float32')
          .div(255)
          .sub(info.stats.mean)
          .div(info.stats.std);
        return model.forward(tensor(x)).softmax(-1);
      }),
    );
    const probabilities = [...(await probs.data())];
    probs.dispose();
    const label = probabilities.indexOf(Math.max(...probabilities));

    await mkdir(outDir, { recursive: true });
    const inputPath = join(outDir, 'predict-input-28x28.png');
    await writeFile(inputPath, grayPng(input, 28, 28));
    const chart = await writePlot(
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `prediction: ${info.classNames[label]} (${(probabilities[label]! * 100).toFixed(1)}%)`,
        padding: 12,
        width: 300,
        height: 160,
        data: { values: probabilities.map((p, i) => ({ class: info.classNames[i], p })) },
        mark: 'bar',
        encoding: {
          x: {
            field: 'class',
            type: 'ordinal',
            sort: [...info.classNames],
            title: null,
            axis: { labelAngle: 0 },
          },
          y: { field: 'p', type: 'quantitative', title: 'probability', scale: { domain: [0, 1] } },
        },
      },
      outDir,
      'predict-probabilities',
    );
    log(`${options.image}: ${info.classNames[label]} (${(probabilities[label]! * 100).toFixed(1)}%)`);
    probabilities
      .map((p, i) => ({ p, i }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3)
      .forEach(({ p, i }) => {
        log(
          `  ${info.classNames[i]!.padEnd(12)} ${(p * 100).toFixed(2).padStart(6)}%  ${'█'.repeat(Math.round(p * 30))}`,
        );
      });
    log(`\nwrote\n  ${inputPath}\n  ${chart.png}\n  ${chart.svg}`);
    return {
      label,
      className: info.classNames[label]!,
      probabilities,
      input,
      files: { input: inputPath, probabilities: chart },
    };
  } finally {
    backend.release();
  }
}
