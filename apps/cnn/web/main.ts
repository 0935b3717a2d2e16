// The page: draw with the mouse (or a finger), and the LeNet-5 trained by `cnn train` classifies
// the drawing after every stroke — on WebGPU when the browser has it, else on the CPU backend —
// and shows the 28×28 input it saw, the class probabilities and the feature maps.
import { browserBackend } from 'lesson-kit/browser';
import { inkFromRgba, toMnistDigit } from 'lesson-kit/digit';
import { type Classification, DigitClassifier } from '../src/classifier.js';

/** What the page publishes for tests (`window.cnn`). */
interface PageState {
  ready: boolean;
  backend: string;
  model: string;
  updates: number;
  prediction: number | null;
  probabilities: number[];
  logits: number[];
  input: number[];
  error: string | null;
  classify(pixels: number[]): Promise<Classification>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pad = $<HTMLCanvasElement>('pad');
const ctx = pad.getContext('2d', { willReadFrequently: true })!;
const state: PageState = {
  ready: false,
  backend: '',
  model: '',
  updates: 0,
  prediction: null,
  probabilities: [],
  logits: [],
  input: [],
  error: null,
  classify: async () => {
    throw new Error('no model loaded');
  },
};
(window as unknown as { cnn: PageState }).cnn = state;

let classifier: DigitClassifier | null = null;
let backendName = 'cpu';

function useModel(bytes: Uint8Array, source: string): void {
  try {
    const next = DigitClassifier.fromBytes(bytes, backendName, source);
    classifier?.dispose();
    classifier = next;
    const { info } = next;
    state.model = source;
    state.classify = (pixels) => next.classify(Uint8Array.from(pixels));
    $('model-status').className = '';
    $('model-status').textContent =
      `model: ${source} — ${info.config.net} trained on ${info.data}, test accuracy ${(info.testAccuracy * 100).toFixed(2)}%`;
    void update();
  } catch (error) {
    showError(`${source}: ${(error as Error).message}`);
  }
}

function showError(message: string): void {
  state.error = message;
  $('model-status').className = 'error';
  $('model-status').textContent = message;
}

// drawing: white strokes on black, like MNIST's digits
let drawing = false;
let last: [number, number] | null = null;
function clear(): void {
  ctx.fillStyle = 'black';
  ctx.fillRect(0, 0, pad.width, pad.height);
}
function stroke(event: PointerEvent): void {
  const rect = pad.getBoundingClientRect();
  const p: [number, number] = [
    ((event.clientX - rect.left) * pad.width) / rect.width,
    ((event.clientY - rect.top) * pad.height) / rect.height,
  ];
  ctx.strokeStyle = 'white';
  ctx.lineWidth = 18;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(...(last ?? p));
  ctx.lineTo(...p);
  ctx.stroke();
  last = p;
}
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  last = null;
  pad.setPointerCapture(e.pointerId);
  stroke(e);
});
pad.addEventListener('pointermove', (e) => {
  if (drawing) stroke(e);
});
const endStroke = () => {
  if (!drawing) return;
  drawing = false;
  void update();
};
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);
$('clear').addEventListener('click', () => {
  clear();
  void update();
});
$<HTMLInputElement>('checkpoint').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) useModel(new Uint8Array(await file.arrayBuffer()), file.name);
});

let running: Promise<void> | null = null;
let again = false;
/** Classifies the drawing (one at a time; a stroke during a run asks for one more). */
async function update(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      const pixels = toMnistDigit(
        inkFromRgba(ctx.getImageData(0, 0, pad.width, pad.height).data, pad.width, pad.height),
        pad.width,
        pad.height,
      );
      drawGray($<HTMLCanvasElement>('input'), pixels, 28, 255);
      state.input = [...pixels];
      if (!classifier) continue;
      const result = await classifier.classify(pixels);
      const blank = pixels.every((v) => v === 0);
      state.prediction = blank ? null : result.label;
      state.probabilities = result.probabilities;
      state.logits = result.logits;
      $('prediction').textContent = blank
        ? '–'
        : `${classifier.info.classNames[result.label]} (${(result.probabilities[result.label]! * 100).toFixed(1)}%)`;
      drawBars(blank ? [] : result.probabilities, classifier.info.classNames);
      drawMaps(result);
      state.updates++;
    } while (again);
  })();
  try {
    await running;
  } catch (error) {
    showError((error as Error).message);
  } finally {
    running = null;
  }
}

function drawGray(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number, max: number): void {
  const small = document.createElement('canvas');
  small.width = side;
  small.height = side;
  const c = small.getContext('2d')!;
  const image = c.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = Math.round((255 * Math.max(0, values[i]!)) / (max || 1));
    image.data.set([v, v, v, 255], 4 * i);
  }
  c.putImageData(image, 0, 0);
  const target = canvas.getContext('2d')!;
  target.imageSmoothingEnabled = false;
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function drawBars(probabilities: number[], names: string[]): void {
  const top = probabilities.indexOf(Math.max(...probabilities));
  $('bars').replaceChildren(
    ...names.map((name, i) => {
      const row = document.createElement('div');
      row.className = `bar${i === top ? ' top' : ''}`;
      const p = probabilities[i] ?? 0;
      row.innerHTML = `<span>${name}</span><span class="fill" style="width:${Math.max(1, p * 200)}px"></span><span>${(p * 100).toFixed(1)}%</span>`;
      return row;
    }),
  );
}

function drawMaps(result: Classification): void {
  $('stages').replaceChildren(
    ...result.maps.map(({ count, side, values }, s) => {
      const stage = document.createElement('div');
      stage.className = 'stage';
      stage.innerHTML = `<div class="hint">conv${s + 1}: ${count} maps of ${side}×${side}</div>`;
      for (let c = 0; c < count; c++) {
        const map = values.subarray(c * side * side, (c + 1) * side * side);
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = s === 0 ? 84 : 60;
        canvas.className = 'map';
        drawGray(canvas, map, side, Math.max(...map));
        stage.append(canvas);
      }
      return stage;
    }),
  );
}

async function start(): Promise<void> {
  clear();
  const backend = await browserBackend();
  backendName = backend.name;
  state.backend = backend.name;
  $('backend').textContent = backend.label;
  const url = new URLSearchParams(location.search).get('model') ?? './model.safetensors';
  const response = await fetch(url).catch(() => null);
  if (response?.ok) useModel(new Uint8Array(await response.arrayBuffer()), url);
  else
    showError(
      `no model at ${url}: run \`pnpm --filter cnn cnn train\` first (it writes out/cnn/model.safetensors), or load a checkpoint`,
    );
  await update();
  state.ready = true;
}

void start().catch((error: Error) => showError(error.message));
