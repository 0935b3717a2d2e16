/**
 * A drawing turned into an MNIST digit, as MNIST's images were made (runs in browsers and Node):
 * the ink's bounding box scaled (area averaging) so its longer side is 20 pixels, then placed in
 * a 28×28 field with its center of mass at the center. Ink is bright on black, as in MNIST.
 * No Node or DOM imports: the apps' pages and CLIs share it.
 */

/** Ink intensity in [0, 1] per pixel from RGBA pixels: white strokes on a dark canvas are ink. */
export function inkFromRgba(data: ArrayLike<number>, width: number, height: number): Float32Array {
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) {
    const alpha = data[4 * i + 3]! / 255;
    const luminance = (0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!) / 255;
    ink[i] = luminance * alpha;
  }
  return ink;
}

/** 784 pixels (0–255) of an MNIST-style digit from `ink` (`width × height`, [0, 1]); all zeros when blank. */
export function toMnistDigit(ink: Float32Array, width: number, height: number, threshold = 0.1): Uint8Array {
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
  if (x1 < 0) return out;
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = 20 / Math.max(bw, bh);
  const [w, h] = [Math.max(1, Math.round(bw * scale)), Math.max(1, Math.round(bh * scale))];
  // area averaging: each target pixel is the mean of the source pixels it covers
  const box = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx0, sx1] = [x0 + (x * bw) / w, x0 + ((x + 1) * bw) / w];
      const [sy0, sy1] = [y0 + (y * bh) / h, y0 + ((y + 1) * bh) / h];
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(sy0); sy < Math.ceil(sy1); sy++) {
        const fy = Math.min(sy + 1, sy1) - Math.max(sy, sy0);
        for (let sx = Math.floor(sx0); sx < Math.ceil(sx1); sx++) {
          const fx = Math.min(sx + 1, sx1) - Math.max(sx, sx0);
          sum += ink[sy * width + sx]! * fx * fy;
          area += fx * fy;
        }
      }
      box[y * w + x] = sum / area;
    }
  }
  // center of mass → the field's center
  let [mass, cx, cy] = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = box[y * w + x]!;
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const left = Math.round(14 - cx / mass - 0.5);
  const top = Math.round(14 - cy / mass - 0.5);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [tx, ty] = [x + left, y + top];
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28)
        out[ty * 28 + tx] = Math.round(255 * Math.min(1, box[y * w + x]!));
    }
  }
  return out;
}
