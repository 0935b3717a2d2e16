import { readFileSync } from 'node:fs';
import {
  BackendError,
  CpuBackend,
  DisposedError,
  DTypeError,
  fromArray,
  getBackend,
  getDefaultBackend,
  IndexError,
  listBackends,
  MlBlocksError,
  memory,
  registerBackend,
  removeBackend,
  ShapeError,
  setDefaultBackend,
  zeros,
} from '@mlblocks/core-tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCpuKernels } from '../scripts/render-cpu-kernels.js';

// A backend that, like a GPU, can only read back asynchronously.
class AsyncOnlyBackend extends CpuBackend {
  override readSync = undefined as unknown as CpuBackend['readSync'];
}

afterEach(() => {
  setDefaultBackend('cpu');
  for (const name of listBackends()) if (name !== 'cpu') removeBackend(name);
});

describe('backend registry', () => {
  it('has the CPU backend by default and registers others by name', () => {
    expect(getDefaultBackend()).toBe('cpu');
    expect(listBackends()).toContain('cpu');
    registerBackend('second', new CpuBackend('second'));
    expect(getBackend('second').name).toBe('second');
    setDefaultBackend('second');
    expect(zeros([2]).backend.name).toBe('second');
    expect(() => getBackend('webgpu')).toThrow(BackendError);
    expect(() => getBackend('webgpu')).toThrow(/no backend named 'webgpu'.*@mlblocks\/kernels-webgpu/);
    expect(() => setDefaultBackend('nope')).toThrow(BackendError);
  });

  it('to() moves data between backends; mixing backends in one op is a typed error', () => {
    registerBackend('second', new CpuBackend('second'));
    const a = fromArray([1, 2, 3]);
    const b = a.to('second');
    expect(b.backend.name).toBe('second');
    expect(b.toArraySync()).toEqual([1, 2, 3]);
    expect(() => a.add(b)).toThrow(BackendError);
    expect(() => a.add(b)).toThrow(
      "add: operands live on different backends ('cpu' and 'second'); move one with .to('cpu')",
    );
    expect(() => a.matmul(b)).toThrow(BackendError);
    expect(a.add(b.to('cpu')).toArraySync()).toEqual([2, 4, 6]);
    expect(memory().backends.second!.buffers).toBeGreaterThan(0);
  });

  it('a backend without synchronous readback still serves data(), toArray() and toAsync()', async () => {
    registerBackend('async', new AsyncOnlyBackend('async'));
    const x = fromArray(
      [
        [1, 2],
        [3, 4],
      ],
      { backend: 'async' },
    );
    const t = x.transpose();
    expect(Array.from(await t.data())).toEqual([1, 3, 2, 4]);
    expect(await t.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => x.dataSync()).toThrow(/reads back asynchronously; use await a.data\(\)/);
    expect(() => x.to('cpu')).toThrow(BackendError);
    expect((await x.toAsync('cpu')).toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(x.toString()).toBe(
      'array(<on async: await a.data() to read>, dtype=float32, shape=[2,2], backend=async)',
    );
    expect(await x.sum().itemAsync()).toBe(10);
    // the temporary dense copy made for reading the transposed view was freed
    const before = memory().backends.async!.buffers;
    await t.data();
    expect(memory().backends.async!.buffers).toBe(before);
  });
});

describe('typed errors', () => {
  it('every error is an MlBlocksError naming its op', () => {
    const errors: [() => unknown, new (...args: never[]) => Error, string][] = [
      [() => zeros([2]).reshape(3), ShapeError, 'reshape'],
      [() => zeros([2]).sum(1), IndexError, 'sum'],
      [() => fromArray([1], { dtype: 'int32' }).add(fromArray([1.5])), DTypeError, 'add'],
      [() => zeros([2]).cast('int8' as never), DTypeError, 'cast'],
    ];
    for (const [fn, cls, op] of errors) {
      try {
        fn();
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(cls);
        expect(e).toBeInstanceOf(MlBlocksError);
        expect((e as MlBlocksError).op).toBe(op);
        expect((e as Error).message.startsWith(`${op}: `)).toBe(true);
        expect((e as Error).name).toBe(cls.name);
      }
    }
    const x = zeros([1]);
    x.dispose();
    expect(() => x.sum()).toThrow(DisposedError);
  });
});

describe('generated CPU kernels', () => {
  it('elementwise.gen.ts is up to date with the op table (run `pnpm generate`)', () => {
    const onDisk = readFileSync(new URL('../src/cpu/elementwise.gen.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderCpuKernels());
  });
});
