import { fromArray, tidy } from '@mlblocks/core-tensor';
import { PNG } from 'pngjs';

/** A grayscale image: `ink` in [0, 1] row by row, 1 where the pen was. */
export interface InkImage {
  width: number;
  height: number;
  ink: Float32Array;
}

/**
 * Decodes a PNG into ink intensities: luminance over a white background (transparent pixels
 * count as paper), inverted when the paper is light (dark ink on white, as people draw) so that
 * ink is bright as in MNIST, then stretched to [0, 1].
 */
export function readInk(bytes: Uint8Array): InkImage {
  const png = PNG.sync.read(Buffer.from(bytes));
  const { width, height, data } = png;
  const light = new Float32Array(width * height);
  for (let i = 0; i < light.length; i++) {
    const alpha = data[4 * i + 3]! / 255;
    const luminance = (0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!) / 255;
    light[i] = luminance * alpha + (1 - alpha);
  }
  const paperIsLight = borderMean(light, width, height) > 0.5;
  const ink = light.map((v) => (paperIsLight ? 1 - v : v));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of ink) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo || 1;
  return { width, height, ink: ink.map((v) => (v - lo) / range) };
}

function borderMean(values: Float32Array, width: number, height: number): number {
  let sum = 0;
  let n = 0;
  for (let x = 0; x < width; x++) {
    sum += values[x]! + values[(height - 1) * width + x]!;
    n += 2;
  }
  for (let y = 0; y < height; y++) {
    sum += values[y * width]! + values[y * width + width - 1]!;
    n += 2;
  }
  return sum / n;
}

/**
 * MNIST's own preprocessing: the digit's bounding box is scaled (area averaging) so its longer
 * side is 20 pixels, then placed in a 28×28 field with its center of mass at the center.
 * Returns 784 pixels, 0–255.
 */
export function toMnistDigit(image: InkImage, threshold = 0.2): Uint8Array {
  const { width, height, ink } = image;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > threshold) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Uint8Array(28 * 28);
  if (x1 < 0) return out; // a blank page
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = 20 / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale));
  const outH = Math.max(1, Math.round(boxH * scale));
  const crop = new Float32Array(boxW * boxH);
  for (let y = 0; y < boxH; y++)
    crop.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + boxW), y * boxW);
  const small = resample(crop, boxW, boxH, outW, outH);

  let mass = 0;
  let cx = 0;
  let cy = 0;
  small.forEach((v, i) => {
    mass += v;
    cx += v * (i % outW);
    cy += v * Math.floor(i / outW);
  });
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const left = clamp(Math.round(13.5 - cx / mass), 28 - outW);
  const top = clamp(Math.round(13.5 - cy / mass), 28 - outH);
  small.forEach((v, i) => {
    out[(top + Math.floor(i / outW)) * 28 + left + (i % outW)] = Math.round(Math.min(1, v) * 255);
  });
  return out;
}

/**
 * Area-averaging resize as two matrix products, `Wy · image · Wxᵀ`, where row i of `Wx` holds
 * how much of each source column falls into destination column i.
 */
function resample(src: Float32Array, w: number, h: number, outW: number, outH: number): Float32Array {
  return tidy(() => {
    const image = fromArray(src, { shape: [h, w], backend: 'cpu' });
    const wx = fromArray(areaWeights(w, outW), { shape: [outW, w], backend: 'cpu' });
    const wy = fromArray(areaWeights(h, outH), { shape: [outH, h], backend: 'cpu' });
    return wy.matmul(image).matmul(wx.transpose()).dataSync() as Float32Array;
  });
}

function areaWeights(n: number, m: number): Float32Array {
  const weights = new Float32Array(m * n);
  const step = n / m; // source pixels per destination pixel
  for (let i = 0; i < m; i++) {
    const start = i * step;
    const end = start + step;
    for (let j = Math.floor(start); j < Math.min(n, Math.ceil(end)); j++) {
      const overlap = Math.min(end, j + 1) - Math.max(start, j);
      if (overlap > 0) weights[i * n + j] = overlap / step;
    }
  }
  return weights;
}

/** Encodes 8-bit grayscale pixels as a PNG (to show what the network saw). */
export function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  pixels.forEach((v, i) => {
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  });
  return PNG.sync.write(png);
}
