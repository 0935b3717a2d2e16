import type { Points } from './datasets.js';

/** The square of the plane the playground shows. */
export const EXTENT = 6;

/** A `size × size` grid of points covering [−EXTENT, EXTENT]², row by row from the top. */
export function gridPoints(size: number): Float32Array {
  const grid = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      grid[2 * i] = -EXTENT + ((col + 0.5) / size) * 2 * EXTENT;
      grid[2 * i + 1] = EXTENT - ((row + 0.5) / size) * 2 * EXTENT;
    }
  }
  return grid;
}

// class 0 orange, class 1 blue, white in between (as in the TensorFlow Playground)
const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];

/** t in [−1, 1] → orange … white … blue. */
function color(t: number): number[] {
  const c = t < 0 ? ORANGE : BLUE;
  const a = Math.min(1, Math.abs(t));
  return c.map((v) => Math.round(255 + (v - 255) * a));
}

/** Paints values on a `size × size` grid into a canvas; `toSigned` maps a value to [−1, 1]. */
export function paintGrid(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  size: number,
  toSigned: (v: number) => number,
): void {
  const small = document.createElement('canvas');
  small.width = size;
  small.height = size;
  const ctx = small.getContext('2d')!;
  const image = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const [r, g, b] = color(toSigned(values[i]!));
    image.data.set([r!, g!, b!, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  const out = canvas.getContext('2d')!;
  out.imageSmoothingEnabled = true;
  out.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Draws the data points on top: filled for training points, ringed for test points. */
export function paintPoints(canvas: HTMLCanvasElement, train: Points, test: Points): void {
  const ctx = canvas.getContext('2d')!;
  const scale = canvas.width / (2 * EXTENT);
  const draw = (points: Points, filled: boolean) => {
    for (let i = 0; i < points.y.length; i++) {
      const x = (points.x[2 * i]! + EXTENT) * scale;
      const y = (EXTENT - points.x[2 * i + 1]!) * scale;
      const [r, g, b] = points.y[i] === 1 ? BLUE : ORANGE;
      ctx.beginPath();
      ctx.arc(x, y, 3, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.strokeStyle = filled ? '#fff' : '#000';
      ctx.lineWidth = 1;
      if (filled) ctx.fill();
      ctx.stroke();
    }
  };
  draw(train, true);
  draw(test, false);
}

/** Per-neuron maps: one small canvas per hidden neuron, layer by layer. */
export function paintNeurons(container: HTMLElement, neurons: Float32Array[][], size: number): void {
  const layers = [...container.querySelectorAll<HTMLElement>('.layer')];
  if (
    layers.length !== neurons.length ||
    layers.some((l, i) => l.querySelectorAll('canvas').length !== neurons[i]!.length)
  ) {
    container.replaceChildren(
      ...neurons.map((layer, i) => {
        const div = document.createElement('div');
        div.className = 'layer';
        const title = document.createElement('span');
        title.textContent = `hidden layer ${i + 1}: ${layer.length} neurons`;
        div.append(
          title,
          ...layer.map(() => Object.assign(document.createElement('canvas'), { width: size, height: size })),
        );
        return div;
      }),
    );
  }
  [...container.querySelectorAll<HTMLElement>('.layer')].forEach((div, i) => {
    div.querySelectorAll('canvas').forEach((canvas, j) => {
      const values = neurons[i]![j]!;
      let max = 1e-6;
      for (const v of values) max = Math.max(max, Math.abs(v));
      paintGrid(canvas, values, size, (v) => v / max);
    });
  });
}
