import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ValueError } from '@mlblocks/core-tensor';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** ImageNet's per-channel mean and standard deviation (torchvision's normalization). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** A folder of labelled RGB images, decoded, resized and normalized: `[n, 3, size, size]`. */
export interface ImageFolder {
  /** Images as float32 planes, normalized with ImageNet's statistics. */
  images: Float32Array;
  labels: Uint8Array;
  classNames: string[];
  size: number;
  /** Where each image came from (same order). */
  files: string[];
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Reads `dir/<class>/<image>` (PNG or JPEG; one subfolder per class, sorted by name as
 * torchvision's `ImageFolder` does) the way torchvision prepares ImageNet images for evaluation:
 * the shorter side resized to `size` (bilinear), the center `size × size` cropped, pixels to
 * [0, 1], then each channel standardized with ImageNet's mean and std.
 */
export async function readImageFolder(dir: string, size: number): Promise<ImageFolder> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: Error) => {
    throw new ValueError('readImageFolder', `cannot read the image folder ${dir}: ${error.message}`);
  });
  const classNames = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classNames.length < 2) {
    throw new ValueError(
      'readImageFolder',
      `${dir} needs one subfolder per class (at least 2), found ${classNames.length}`,
    );
  }
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classNames.entries()) {
    const names = (await readdir(join(dir, name)))
      .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
    if (names.length === 0)
      throw new ValueError('readImageFolder', `${join(dir, name)} holds no PNG or JPEG images`);
    for (const f of names) {
      files.push(join(dir, name, f));
      labels.push(label);
    }
  }
  const plane = size * size;
  const images = new Float32Array(files.length * 3 * plane);
  for (const [i, file] of files.entries()) {
    const rgba = await decodeImage(file);
    images.set(centerCrop(rgba, size), i * 3 * plane);
  }
  return { images, labels: Uint8Array.from(labels), classNames, size, files };
}

/** RGBA pixels of a PNG or JPEG file. */
export async function decodeImage(
  file: string,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const bytes = await readFile(file);
  try {
    if (extname(file).toLowerCase() === '.png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  } catch (error) {
    throw new ValueError('readImageFolder', `cannot decode ${file}: ${(error as Error).message}`);
  }
}

/**
 * The shorter side scaled to `size` (bilinear, sampling pixel centers), the center square cut
 * out, as three normalized planes (R, G, B).
 */
export function centerCrop(
  image: { width: number; height: number; data: Uint8Array },
  size: number,
): Float32Array {
  const { width, height, data } = image;
  const scale = size / Math.min(width, height);
  const [w, h] = [Math.round(width * scale), Math.round(height * scale)];
  const [x0, y0] = [Math.floor((w - size) / 2), Math.floor((h - size) / 2)];
  const out = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + y0 + 0.5) / scale - 0.5));
    const [ya, yb] = [Math.floor(sy), Math.min(height - 1, Math.floor(sy) + 1)];
    const fy = sy - ya;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + x0 + 0.5) / scale - 0.5));
      const [xa, xb] = [Math.floor(sx), Math.min(width - 1, Math.floor(sx) + 1)];
      const fx = sx - xa;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => data[4 * (yy * width + xx) + c]!;
        const top = at(ya, xa) * (1 - fx) + at(ya, xb) * fx;
        const bottom = at(yb, xa) * (1 - fx) + at(yb, xb) * fx;
        const v = (top * (1 - fy) + bottom * fy) / 255;
        out[c * size * size + y * size + x] = (v - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
      }
    }
  }
  return out;
}
