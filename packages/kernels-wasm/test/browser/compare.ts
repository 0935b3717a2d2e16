// What the page and its worker both do: a product split across the pool (threadMinMacs 1) and a
// softmax of it, on a wasm backend and on the CPU backend, compared.
import { Generator, randn, registerBackend } from '@mlblocks/core-tensor';
import { createWasmBackend } from '@mlblocks/kernels-wasm';

/** What a browser context reports back to the test. */
export interface BrowserResult {
  threads: number;
  sharedMemory: boolean;
  crossOriginIsolated: boolean;
  /** Worst |cpu − wasm| over the softmax of a [67×129]·[129×33] product. */
  worst: number;
  /** The threaded product equals the 1-thread one bit for bit. */
  identical: boolean;
}

export async function compareWithCpu(): Promise<BrowserResult> {
  const threaded = await createWasmBackend({ threads: 2, name: 'wasm2', threadMinMacs: 1 });
  const single = await createWasmBackend({ threads: 1 });
  registerBackend('wasm2', threaded);
  registerBackend('wasm', single);
  const gen = new Generator(1);
  const a = randn([67, 129], { generator: gen });
  const b = randn([129, 33], { generator: gen });
  const cpu = a.matmul(b).softmax().dataSync();
  const two = a.to('wasm2').matmul(b.to('wasm2'));
  const one = a.to('wasm').matmul(b.to('wasm')).dataSync();
  const got = two.softmax().dataSync();
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i]! - got[i]!));
  const identical = two.dataSync().every((v, i) => Object.is(v, one[i]));
  const result = {
    threads: threaded.info.threads,
    sharedMemory: threaded.info.sharedMemory,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    worst,
    identical,
  };
  threaded.dispose();
  single.dispose();
  return result;
}
