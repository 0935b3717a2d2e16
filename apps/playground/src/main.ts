import { browserBackend } from 'lesson-kit/browser';
import { type DatasetName, makeDataset, type Split } from './datasets.js';
import { gridPoints, paintGrid, paintNeurons, paintPoints } from './draw.js';
import { LossChart } from './loss-chart.js';
import type { Activation } from './network.js';
import { Trainer, type TrainerConfig } from './trainer.js';

const GRID = 50; // decision-boundary resolution
const NEURON_GRID = 24; // per-neuron map resolution
const STEPS_PER_FRAME = 10;
const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;

/** What the page shows, also read by the end-to-end test (`window.playground`). */
const state = {
  backend: '',
  steps: 0,
  trainLoss: Number.NaN,
  testLoss: Number.NaN,
  boundaryUpdates: 0,
  playing: false,
  ready: false,
};
(window as unknown as { playground: typeof state }).playground = state;

const boundary = $<HTMLCanvasElement>('boundary');
const chart = new LossChart($<HTMLDivElement>('loss-chart'));
const grid = gridPoints(GRID);
const neuronGrid = gridPoints(NEURON_GRID);
let backendName = 'cpu';
let data: Split;
let trainer: Trainer | null = null;
let generation = 0; // bumped by every reset: loops of an older network stop

function config(): TrainerConfig {
  const layers = Number($('layers').value);
  return {
    neurons: new Array<number>(layers).fill(Number($('neurons').value)),
    activation: $<HTMLSelectElement>('activation').value as Activation,
    learningRate: Number($<HTMLSelectElement>('lr').value),
    batchSize: Number($('batch').value),
    regularization: Number($<HTMLSelectElement>('regularization').value),
    optimizer: $<HTMLSelectElement>('optimizer').value as 'adam' | 'sgd',
    seed: 0,
  };
}

async function reset(): Promise<void> {
  generation++;
  setPlaying(false);
  trainer?.dispose();
  data = makeDataset($<HTMLSelectElement>('dataset').value as DatasetName, {
    count: Number($('count').value),
    noise: Number($('noise').value),
    trainFraction: Number($('train-fraction').value),
    seed: 0,
  });
  trainer = new Trainer(data, config(), backendName);
  state.steps = 0;
  await chart.reset();
  await refresh(true);
}

/** Reads the losses back and redraws; `full` also recomputes the boundary and neuron maps. */
async function refresh(full: boolean): Promise<void> {
  const current = trainer!;
  const losses = await current.losses();
  if (current !== trainer) return;
  Object.assign(state, { steps: current.steps, trainLoss: losses.train, testLoss: losses.test });
  $('steps').textContent = String(current.steps);
  $('train-loss').textContent = losses.train.toFixed(3);
  $('test-loss').textContent = losses.test.toFixed(3);
  await chart.add(current.steps, losses.train, losses.test);
  if (!full) return;
  const [out, maps] = await Promise.all([current.probe(grid), current.probe(neuronGrid)]);
  if (current !== trainer) return;
  paintGrid(boundary, out.probability, GRID, (p) => 2 * p - 1);
  paintPoints(boundary, data.train, data.test);
  paintNeurons($<HTMLDivElement>('neuron-maps'), maps.neurons, NEURON_GRID);
  state.boundaryUpdates++;
}

function setPlaying(on: boolean): void {
  state.playing = on;
  $('play').textContent = on ? '❚❚ Pause' : '▶ Play';
}

async function play(): Promise<void> {
  const mine = generation;
  setPlaying(true);
  let frame = 0;
  while (state.playing && mine === generation) {
    for (let i = 0; i < STEPS_PER_FRAME; i++) trainer!.step();
    frame++;
    await refresh(frame % 3 === 0);
    await new Promise(requestAnimationFrame);
  }
}

async function main(): Promise<void> {
  const backend = await browserBackend();
  backendName = backend.name;
  state.backend = backend.label;
  $('backend').textContent = backend.label;
  $('play').addEventListener('click', () => (state.playing ? setPlaying(false) : void play()));
  $('step').addEventListener('click', async () => {
    setPlaying(false);
    trainer!.step();
    await refresh(true);
  });
  $('reset').addEventListener('click', () => void reset());
  for (const id of [
    'dataset',
    'noise',
    'train-fraction',
    'count',
    'layers',
    'neurons',
    'activation',
    'lr',
    'batch',
    'regularization',
    'optimizer',
  ]) {
    $(id).addEventListener('change', () => void reset());
  }
  $('noise').addEventListener('input', () => ($('noise-value').textContent = $('noise').value));
  $('train-fraction').addEventListener('input', () => {
    $('train-fraction-value').textContent = `${Math.round(Number($('train-fraction').value) * 100)}%`;
  });
  await reset();
  state.ready = true;
}

void main();
