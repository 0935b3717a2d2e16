// The word2vec viewer: loads vectors written by `word2vec train` (binary or text format), lists
// nearest neighbours, and draws the most frequent words in 2-D (PCA). Everything runs in the page
// with @mlblocks/word2vec's main entry; nothing is sent anywhere.
import {
  type KeyedVectors,
  looksBinary,
  type Neighbor,
  parseWord2VecBinary,
  parseWord2VecText,
  pca2d,
} from '@mlblocks/word2vec';

/** What the page publishes for tests (and curious users) as `window.viewer`. */
interface ViewerState {
  ready: boolean;
  words: number;
  dim: number;
  neighbors: Neighbor[];
  mapWords: number;
  error: string;
}

const MAP_WORDS = 500;
const LABELLED = 120;
const state: ViewerState = { ready: false, words: 0, dim: 0, neighbors: [], mapWords: 0, error: '' };
(window as unknown as { viewer: ViewerState }).viewer = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let vectors: KeyedVectors | undefined;
let map: { words: string[]; points: Float64Array } | undefined;

function parse(bytes: Uint8Array, name: string): KeyedVectors {
  return looksBinary(bytes) ? parseWord2VecBinary(bytes, name) : parseWord2VecText(bytes, name);
}

function load(bytes: Uint8Array, name: string): void {
  try {
    vectors = parse(bytes, name);
  } catch (error) {
    state.error = (error as Error).message;
    $('status').textContent = state.error;
    return;
  }
  state.words = vectors.size;
  state.dim = vectors.dim;
  $('status').textContent =
    `${name}: ${vectors.size.toLocaleString('en-US')} words × ${vectors.dim} dimensions`;
  const head = vectors.head(MAP_WORDS);
  map = { words: [...head.words], points: pca2d(head.unitVectors(), head.dim).points };
  state.mapWords = head.size;
  $('map-count').textContent = String(head.size);
  draw(new Set());
  state.ready = true;
}

/** `king - man + woman` → positive [king, woman], negative [man]. */
function parseQuery(text: string): { positive: string[]; negative: string[] } {
  const positive: string[] = [];
  const negative: string[] = [];
  let sign = 1;
  for (const token of text.toLowerCase().match(/[^\s+-]+|[+-]/g) ?? []) {
    if (token === '+') sign = 1;
    else if (token === '-') sign = -1;
    else {
      (sign > 0 ? positive : negative).push(token);
      sign = 1;
    }
  }
  return { positive, negative };
}

function search(text: string): void {
  if (!vectors) return;
  const { positive, negative } = parseQuery(text);
  const list = $('neighbors');
  list.replaceChildren();
  $('message').textContent = '';
  try {
    state.neighbors = vectors.mostSimilar(positive, { negative, topN: 12 });
  } catch (error) {
    state.neighbors = [];
    $('message').textContent = (error as Error).message;
    draw(new Set());
    return;
  }
  for (const n of state.neighbors) {
    const li = document.createElement('li');
    li.textContent = n.word;
    const score = document.createElement('span');
    score.textContent = n.similarity.toFixed(3);
    li.append(score);
    list.append(li);
  }
  draw(new Set([...positive, ...negative, ...state.neighbors.map((n) => n.word)]));
}

function draw(highlight: ReadonlySet<string>): void {
  const canvas = $<HTMLCanvasElement>('map');
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!map) return;
  const { words, points } = map;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < words.length; i++) {
    [x0, x1] = [Math.min(x0, points[2 * i]!), Math.max(x1, points[2 * i]!)];
    [y0, y1] = [Math.min(y0, points[2 * i + 1]!), Math.max(y1, points[2 * i + 1]!)];
  }
  const pad = 30;
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (canvas.width - 2 * pad);
  const sy = (y: number) => canvas.height - pad - ((y - y0) / (y1 - y0 || 1)) * (canvas.height - 2 * pad);
  ctx.font = '11px system-ui, sans-serif';
  words.forEach((word, i) => {
    const [x, y] = [sx(points[2 * i]!), sy(points[2 * i + 1]!)];
    const hot = highlight.has(word);
    ctx.fillStyle = hot ? '#d62728' : i < LABELLED ? '#1f77b4' : '#9fb3c8';
    ctx.beginPath();
    ctx.arc(x, y, hot ? 4 : 2.5, 0, 2 * Math.PI);
    ctx.fill();
    if (hot || i < LABELLED) ctx.fillText(word, x + 4, y - 4);
  });
}

$<HTMLFormElement>('query-form').addEventListener('submit', (event) => {
  event.preventDefault();
  search($<HTMLInputElement>('query').value);
});
$<HTMLInputElement>('file').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) load(new Uint8Array(await file.arrayBuffer()), file.name);
});

// vectors next to the page, or ?vectors=URL
const url = new URLSearchParams(location.search).get('vectors') ?? 'vectors.bin';
fetch(url)
  .then(async (response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    load(new Uint8Array(await response.arrayBuffer()), url.split('/').pop()!);
  })
  .catch((error: Error) => {
    state.error = error.message;
    $('status').textContent = `no vectors loaded (${error.message}); open a file`;
  });
