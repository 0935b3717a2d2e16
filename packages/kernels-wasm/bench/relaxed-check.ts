// Standalone check of the relaxed-SIMD (FMA) build, which vitest's workers cannot enable on
// Node 20: `node --experimental-wasm-relaxed-simd --import tsx --conditions=@mlblocks/source bench/relaxed-check.ts`.
// Compares matmul with the CPU backend and 1 with 2 threads; exits 1 on a mismatch.
import { Generator, randn, registerBackend } from '@mlblocks/core-tensor';
import { buildWasm } from '../scripts/build-wasm.js';

await buildWasm();
const { createWasmBackend } = await import('@mlblocks/kernels-wasm');
const one = await createWasmBackend({ threads: 1 });
const two = await createWasmBackend({ threads: 2, name: 'wasm2', threadMinMacs: 1 });
registerBackend('wasm', one);
registerBackend('wasm2', two);
console.log(`relaxed SIMD: ${one.info.relaxedSimd}`);
const gen = new Generator(5);
let failures = 0;
for (const [M, K, N] of [
  [1, 1, 1],
  [5, 7, 3],
  [33, 65, 17],
  [67, 300, 530],
  [128, 784, 10],
]) {
  const a = randn([M!, K!], { generator: gen });
  const b = randn([K!, N!], { generator: gen });
  const want = a.matmul(b).dataSync();
  const got1 = a.to('wasm').matmul(b.to('wasm')).dataSync();
  const got2 = a.to('wasm2').transpose().transpose().matmul(b.to('wasm2')).dataSync();
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(want[i]! - got1[i]!) / (1 + Math.abs(want[i]!)));
  const same = got1.every((v, i) => Object.is(v, got2[i]));
  if (worst > 1e-4 || !same) failures++;
  console.log(
    `${M}×${K}×${N}: worst relative error ${worst.toExponential(2)}, 1 vs 2 threads identical: ${same}`,
  );
}
one.dispose();
two.dispose();
process.exit(failures ? 1 : 0);
