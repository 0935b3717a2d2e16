// IDX and gzip under hostile input (issue #15): decompression bounded by what the header declares
// (finding 5: a 1 MB .gz used to inflate to gigabytes before its header was even looked at), and
// mutated IDX files — raw, gzipped, and with a corrupted gzip stream — parsed exactly as an
// independent reading of the format says, or refused with a DataFormatError.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DataFormatError,
  DEFAULT_MAX_IDX_BYTES,
  decodeIdx,
  encodeIdx,
  gunzip,
  type IdxArray,
  parseIdx,
  readIdxFile,
} from '@mlblocks/datasets/node';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, tinyIdx } from '../helpers/fixtures.js';

const dir = tempDir('mlblocks-idx-fuzz-');
afterAll(() => dir.cleanup());

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// A ~1 MB multi-member gzip file that inflates to `members` MiB: `head` then zeros.
function bomb(head: Uint8Array, members = 1024): Uint8Array {
  const zeros = gzipSync(new Uint8Array(2 ** 20), { level: 9 });
  return concat([gzipSync(head), ...Array.from({ length: members }, () => zeros)]);
}

// Runs `work` while sampling the process's ArrayBuffer memory; returns the peak growth in bytes.
async function peakArrayBuffers(work: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 1);
  try {
    await work().catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().arrayBuffers) - base;
}

describe('decompression is bounded by the IDX header (finding 5)', () => {
  const header = (dtype: number, dims: number[]) => {
    const out = new Uint8Array(4 + 4 * dims.length);
    out[2] = dtype;
    out[3] = dims.length;
    const view = new DataView(out.buffer);
    dims.forEach((d, i) => {
      view.setUint32(4 + 4 * i, d, false);
    });
    return out;
  };

  it('a 1 GiB gzip bomb with a bad header is refused from its first bytes: decodeIdx and readIdxFile', async () => {
    const gz = bomb(new Uint8Array(0)); // zeros: dtype code 0x00
    expect(gz.length).toBeLessThan(1.2e6);
    const path = join(dir.path, 'bomb-bad-header.gz');
    writeFileSync(path, gz);
    const started = performance.now();
    const peak = await peakArrayBuffers(() => decodeIdx(gz));
    await expect(decodeIdx(gz)).rejects.toThrow(/unknown dtype code 0x00/);
    expect(() => readIdxFile(path)).toThrow(/unknown dtype code 0x00/);
    expect(performance.now() - started).toBeLessThan(2000); // inflating 1 GiB takes longer than this
    expect(peak).toBeLessThan(64 * 2 ** 20);
  });

  it('a bomb behind a valid header stops at the declared size, naming it', async () => {
    const gz = bomb(header(0x08, [16])); // declares 8 + 16 = 24 bytes, inflates to 1 GiB
    const path = join(dir.path, 'bomb-valid-header.gz');
    writeFileSync(path, gz);
    let error: unknown;
    const peak = await peakArrayBuffers(async () => {
      error = await decodeIdx(gz, { name: 'labels.gz' }).catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      /labels\.gz: trailing bytes: the stream decompresses to more than the 24 bytes its header declares/,
    );
    expect(peak).toBeLessThan(64 * 2 ** 20);
    expect(() => readIdxFile(path)).toThrow(
      /decompresses to more than the 24 bytes its header declares \(shape \[16\] of uint8\)/,
    );
  });

  it('a header declaring more than maxBytes is refused before decompressing the rest', async () => {
    const gz = gzipSync(header(0x0d, [2 ** 16, 2 ** 13])); // float32: 2 GiB declared
    const path = join(dir.path, 'huge.gz');
    writeFileSync(path, gz);
    await expect(decodeIdx(gz)).rejects.toThrow(/declares 2147483660 bytes, more than maxBytes 1073741824/);
    expect(() => readIdxFile(path)).toThrow(/more than maxBytes/);
    expect(() => readIdxFile(path, { maxBytes: 2 ** 32 })).toThrow(/truncated/); // allowed, but the data is not there
    expect(DEFAULT_MAX_IDX_BYTES).toBe(2 ** 30);
  });

  it('gunzip itself stops at maxBytes', async () => {
    const gz = bomb(new Uint8Array(0), 64);
    await expect(gunzip(gz, 'x.gz', { maxBytes: 2 ** 20 })).rejects.toThrow(
      /x\.gz: decompresses to more than maxBytes 1048576 bytes/,
    );
    expect((await gunzip(gzipSync(new Uint8Array(5)), 'y')).length).toBe(5);
  });

  it('valid gzip files still decode, in one member or several', async () => {
    const { images } = tinyIdx(7);
    const split = concat([gzipSync(images.subarray(0, 10)), gzipSync(images.subarray(10))]);
    for (const gz of [gzipSync(images), split]) {
      const path = join(dir.path, 'ok.gz');
      writeFileSync(path, gz);
      expect((await decodeIdx(gz)).shape).toEqual([7, 4, 4]);
      expect(Array.from(readIdxFile(path).data)).toEqual(Array.from(parseIdx(images).data));
    }
  });
});

// ── An independent reading of the IDX format, the oracle ─────────────────────────────────────

const CODES: Record<number, [string, number]> = {
  8: ['uint8', 1],
  9: ['int8', 1],
  11: ['int16', 2],
  12: ['int32', 4],
  13: ['float32', 4],
  14: ['float64', 8],
};

function reference(bytes: Uint8Array): { dtype: string; shape: number[]; values: number[] } | null {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2]! in CODES) || bytes[3] === 0)
    return null;
  const [dtype, size] = CODES[bytes[2]!]!;
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => dv.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (start + count * size > DEFAULT_MAX_IDX_BYTES || bytes.length !== start + count * size) return null;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * size;
    values.push(
      dtype === 'uint8'
        ? dv.getUint8(at)
        : dtype === 'int8'
          ? dv.getInt8(at)
          : dtype === 'int16'
            ? dv.getInt16(at)
            : dtype === 'int32'
              ? dv.getInt32(at)
              : dtype === 'float32'
                ? dv.getFloat32(at)
                : dv.getFloat64(at),
    );
  }
  return { dtype, shape, values };
}

const same = (got: IdxArray, want: NonNullable<ReturnType<typeof reference>>) =>
  got.dtype === want.dtype &&
  got.shape.join() === want.shape.join() &&
  got.data.length === want.values.length &&
  want.values.every((v, i) => Object.is(got.data[i], v) || (Number.isNaN(v) && Number.isNaN(got.data[i]!)));

// Valid files of every dtype, then mutated: bytes set, cut, added; sizes and codes rewritten.
const validFile = fc
  .record({
    dtype: fc.constantFrom('uint8', 'int8', 'int16', 'int32', 'float32', 'float64' as const),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    seed: fc.nat(),
  })
  .map(({ dtype, shape, seed }) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const values = Array.from(
      { length: count },
      (_, i) => ((seed + i * 37) % 200) - (dtype.startsWith('uint') ? 0 : 100),
    );
    const Ctor = {
      uint8: Uint8Array,
      int8: Int8Array,
      int16: Int16Array,
      int32: Int32Array,
      float32: Float32Array,
      float64: Float64Array,
    }[dtype];
    return encodeIdx({ dtype, shape, data: Ctor.from(values) } as IdxArray);
  });

const mutated = fc
  .tuple(
    validFile,
    fc.array(
      fc.oneof(
        fc.record({ set: fc.tuple(fc.nat(), fc.nat(255)) }),
        fc.record({ cut: fc.nat() }),
        fc.record({ add: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
        fc.record({
          dim: fc.tuple(fc.nat(3), fc.constantFrom(0, 1, 2, 5, 255, 65536, 2 ** 31, 2 ** 32 - 1)),
        }),
        fc.record({ code: fc.nat(255) }),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([file, edits]) => {
    let bytes: Uint8Array = file.slice();
    for (const e of edits) {
      if ('set' in e && bytes.length > 0) bytes[e.set[0] % bytes.length] = e.set[1];
      else if ('cut' in e) bytes = bytes.slice(0, e.cut % (bytes.length + 1));
      else if ('add' in e) bytes = concat([bytes, e.add]);
      else if ('dim' in e && bytes.length >= 8 + 4 * e.dim[0])
        new DataView(bytes.buffer).setUint32(4 + 4 * e.dim[0], e.dim[1]);
      else if ('code' in e && bytes.length >= 3) bytes[2] = e.code;
    }
    return bytes;
  });

describe('fuzzed IDX files', () => {
  const raw = new Tally('IDX parser (parseIdx, mutated raw files)');
  const gzipped = new Tally('IDX over gzip (decodeIdx and readIdxFile, mutated files gzipped)');
  const corrupt = new Tally('gzip streams (decodeIdx and readIdxFile, corrupted gzip bytes)');
  const typed = (e: unknown) => e instanceof DataFormatError;

  it('raw: accepted exactly when valid, with the same values; otherwise a DataFormatError', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        const want = reference(bytes);
        raw.run(
          () => parseIdx(bytes),
          (e) => typed(e) && want === null,
          (got) => want !== null && same(got, want),
        );
      }),
      fuzzParams(1000),
    );
  });

  it('gzipped: decodeIdx and readIdxFile agree with the raw reading', async () => {
    const path = join(dir.path, 'fuzz.gz');
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        const want = reference(bytes);
        const gz = gzipSync(bytes);
        writeFileSync(path, gz);
        await gzipped.runAsync(
          () => decodeIdx(gz),
          (e) => typed(e) && want === null,
          (got) => want !== null && same(got, want),
        );
        gzipped.run(
          () => readIdxFile(path),
          (e) => typed(e) && want === null,
          (got) => want !== null && same(got, want),
        );
      }),
      fuzzParams(300),
    );
  });

  it('corrupted gzip bytes: refused, or (if zlib still inflates them) read like zlib reads them', async () => {
    const path = join(dir.path, 'corrupt.gz');
    await fc.assert(
      fc.asyncProperty(
        validFile,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (file, sets, cut) => {
          let gz = gzipSync(file);
          for (const [at, v] of sets) gz[at % gz.length] = v;
          if (cut !== undefined) gz = gz.subarray(0, cut % (gz.length + 1));
          let inflated: Uint8Array | null;
          try {
            inflated = gunzipSync(gz);
          } catch {
            inflated = null;
          }
          const isGz = gz.length >= 2 && gz[0] === 0x1f && gz[1] === 0x8b; // else it is read as raw IDX
          const want = isGz ? (inflated === null ? null : reference(inflated)) : reference(gz);
          writeFileSync(path, gz);
          for (const attempt of [() => decodeIdx(gz), async () => readIdxFile(path)]) {
            await corrupt.runAsync(
              attempt,
              (e) => typed(e) && want === null,
              (got) => want !== null && same(got, want),
            );
          }
        },
      ),
      fuzzParams(300),
    );
  });
});
