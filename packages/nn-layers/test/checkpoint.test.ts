import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@mlblocks/autograd';
import { CpuBackend, fromArray, ones, registerBackend, removeBackend } from '@mlblocks/core-tensor';
import {
  BatchNorm1d,
  CheckpointFormatError,
  deserializeSafetensors,
  Linear,
  Sequential,
  StateDictError,
  serializeSafetensors,
} from '@mlblocks/nn-layers';
import { loadCheckpoint, loadSafetensors, saveCheckpoint } from '@mlblocks/nn-layers/node';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

describe('safetensors', () => {
  it('writes byte-for-byte what an independent implementation of the spec writes', async () => {
    const bytes = serializeSafetensors(
      new Map([
        [
          'layer.weight',
          fromArray([
            [0, 0.5, 1],
            [1.5, 2, 2.5],
          ]),
        ],
        ['layer.ids', fromArray([1, 2, 3], { dtype: 'int32' })],
      ]),
      { epoch: '3' },
    );
    const expected = new Uint8Array(await readFile(fixture('spec-layout.safetensors')));
    expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('reads a file written by Python (F32, I64, F16, BOOL, U8, metadata)', async () => {
    const { tensors, metadata } = await loadSafetensors(fixture('from-python.safetensors').pathname);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('fc.weight')!.toArraySync()).toEqual([
      [0.5, -1.25, 2],
      [3.5, 0, -0.75],
    ]);
    expect(tensors.get('fc.bias')!.dataSync()).toEqual(Float32Array.from([0.1, -0.2]));
    const steps = tensors.get('bn.num_batches_tracked')!;
    expect([steps.dtype, steps.shape.length, steps.item()]).toEqual(['int32', 0, 7]);
    expect(tensors.get('half')!.toArraySync()).toEqual([1.5, -2, 2 ** -14]);
    expect(tensors.get('mask')!.toArraySync()).toEqual([true, false, true]);
    expect(tensors.get('pixels')!.dtype).toBe('uint8');
  });

  it("reads a file written by Python's official safetensors library (0.8.0, safetensors.numpy.save_file)", async () => {
    // the same library read our files back during development: see fixtures/README.md
    const { tensors, metadata } = await loadSafetensors(fixture('from-safetensors-lib.safetensors').pathname);
    expect(metadata).toEqual({ format: 'np' });
    expect(tensors.get('fc.weight')!.toArraySync()).toEqual([
      [0.5, -1.25, 2],
      [3.5, 0, -0.75],
    ]);
    expect(tensors.get('bn.num_batches_tracked')!.item()).toBe(7);
    expect(tensors.get('half')!.toArraySync()).toEqual([1.5, -2, 2 ** -14]);
    expect(tensors.get('mask')!.toArraySync()).toEqual([true, false, true]);
    expect(tensors.get('pixels')!.toArraySync()).toEqual([
      [0, 128],
      [255, 7],
    ]);
    expect(tensors.get('double')!.dtype).toBe('float64');
    expect(tensors.get('double')!.item()).toBe(Math.PI);
  });

  it('round-trips every dtype', () => {
    const original = new Map([
      ['f32', fromArray([[1.5, -2]])],
      ['f64', fromArray(new Float64Array([Math.PI]))],
      ['i32', fromArray([-7, 2147483647], { dtype: 'int32' })],
      ['u8', fromArray(new Uint8Array([0, 255]))],
      ['bool', fromArray([true, false])],
      ['empty', fromArray([[]])],
    ]);
    const { tensors } = deserializeSafetensors(serializeSafetensors(original));
    for (const [name, array] of original) {
      expect(tensors.get(name)!.dtype).toBe(array.dtype);
      expect(tensors.get(name)!.toArraySync()).toEqual(array.toArraySync());
    }
  });

  it('writes float16 as F16 (binary16 bits), which loads back as float32 with the same values', () => {
    const half = fromArray([0.1, -2.5, 65504, 2 ** -24], { dtype: 'float16' });
    const bytes = serializeSafetensors(new Map([['half', half]]));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.half).toEqual({ dtype: 'F16', shape: [4], data_offsets: [0, 8] });
    const bits = new Uint16Array(bytes.slice(8 + headerLength).buffer);
    expect(Array.from(bits)).toEqual([0x2e66, 0xc100, 0x7bff, 0x0001]);
    const loaded = deserializeSafetensors(bytes).tensors.get('half')!;
    expect(loaded.dtype).toBe('float32');
    expect(Array.from(loaded.dataSync())).toEqual(Array.from(half.dataSync()));
  });

  it('rejects corrupt files whole, saying what is wrong', async () => {
    const good = new Uint8Array(await readFile(fixture('from-python.safetensors')));
    const bad = (bytes: Uint8Array) => () => deserializeSafetensors(bytes);
    expect(bad(good.slice(0, 5))).toThrow(CheckpointFormatError);
    expect(bad(good.slice(0, 40))).toThrow(/does not fit in a 40-byte file/);
    expect(bad(good.slice(0, good.length - 1))).toThrow(/cover .* bytes but the data section has/);
    const garbled = good.slice();
    garbled[12] = 0xff;
    expect(bad(garbled)).toThrow(/not valid UTF-8 JSON/);
    const header = (json: string) => {
      const h = new TextEncoder().encode(json);
      const out = new Uint8Array(8 + h.length + 4);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      return out;
    };
    expect(bad(header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}'))).toThrow(
      /needs 8 bytes but data_offsets span 4/,
    );
    expect(bad(header('{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,4]}}'))).toThrow(
      /unsupported dtype "Q8"/,
    );
    expect(
      bad(
        header(
          '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        ),
      ),
    ).toThrow(/gap or overlap/);
    expect(bad(header('{"__metadata__":{"x":1}}'))).toThrow(/__metadata__ must map strings to strings/);
  });
});

describe('checkpoints', () => {
  const model = () => new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));

  it('save and load a model atomically, including buffers and metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-ckpt-'));
    const path = join(dir, 'model.safetensors');
    const a = model();
    a.forward(tensor(ones([5, 3]).mul(fromArray([1, 2, 3])))); // moves BatchNorm's running stats
    await saveCheckpoint(a, path, { epoch: '1' });
    expect(await readdir(dir)).toEqual(['model.safetensors']); // no temporary file left behind
    const b = model();
    expect(await loadCheckpoint(b, path)).toEqual({ epoch: '1' });
    for (const [name, value] of a.stateDict())
      expect(b.stateDict().get(name)!.toArraySync()).toEqual(value.toArraySync());
  });

  it('a mismatched or corrupt checkpoint leaves the model untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlblocks-ckpt-'));
    const path = join(dir, 'small.safetensors');
    await saveCheckpoint(new Sequential(new Linear(3, 4)), path);
    const b = model();
    const before = b.stateDict().get('layers.0.weight')!.toArraySync();
    await expect(loadCheckpoint(b, path)).rejects.toThrow(StateDictError);
    expect(b.stateDict().get('layers.0.weight')!.toArraySync()).toEqual(before);
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(loadCheckpoint(b, path)).rejects.toThrow(CheckpointFormatError);
  });
});

describe('checkpoints of models on an asynchronous backend', () => {
  it('saveCheckpoint reads GPU-like arrays back asynchronously', async () => {
    class AsyncOnly extends CpuBackend {
      override readSync = undefined as unknown as CpuBackend['readSync'];
    }
    registerBackend('async', new AsyncOnly('async'));
    try {
      const dir = await mkdtemp(join(tmpdir(), 'mlblocks-ckpt-'));
      const path = join(dir, 'gpu.safetensors');
      const model = new Sequential(new Linear(3, 2));
      const expected = model.stateDict().get('layers.0.weight')!.toArraySync();
      model.to('async');
      await saveCheckpoint(model, path);
      const { tensors } = await loadSafetensors(path);
      expect(tensors.get('layers.0.weight')!.toArraySync()).toEqual(expected);
    } finally {
      removeBackend('async');
    }
  });
});
