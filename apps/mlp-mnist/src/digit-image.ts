import { toMnistDigit as mnistDigitFromInk } from 'lesson-kit/digit';
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
 * MNIST's own preprocessing (lesson-kit's `toMnistDigit`): the digit's bounding box is scaled
 * (area averaging) so its longer side is 20 pixels, then placed in a 28×28 field with its center
 * of mass at the center. Returns 784 pixels, 0–255.
 */
export function toMnistDigit(image: InkImage, threshold = 0.2): Uint8Array {
  return mnistDigitFromInk(image.ink, image.width, image.height, threshold);
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
