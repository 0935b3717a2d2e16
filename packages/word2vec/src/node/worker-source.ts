import { mix32, trainSentences, updateOutputRow } from '../train/kernel.js';

/**
 * The source of a Hogwild worker, as a string: the kernel functions' own source text (so workers
 * run exactly the code the calling thread runs, from the sources, the ESM and the CJS builds
 * alike — no file to locate beside the bundle), then the loop.
 *
 * A worker instantiates the SIMD kernels on the shared memory, then parks in `Atomics.wait` on the
 * generation counter (no CPU used while parked). Each new generation is one epoch of its shard;
 * it then adds 1 to the finished count and notifies. Control (int32): [0] generation · [1] finished
 * count · [2] quit flag · [3] error flag.
 */
export const WORKER_SOURCE = `
${mix32.toString()}
${updateOutputRow.toString()}
const train = ${trainSentences.toString()};
(async () => {
  const { workerData, parentPort } = await import('node:worker_threads');
  const { state, module, memory, control, first, last } = workerData;
  if (module) {
    const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp } });
    state.simd = instance.exports;
    state.heap = new Float32Array(memory.buffer);
  }
  let seen = 0;
  for (;;) {
    Atomics.wait(control, 0, seen);
    seen = Atomics.load(control, 0);
    if (Atomics.load(control, 2) === 1) break;
    try {
      train(state, first, last);
    } catch (error) {
      Atomics.store(control, 3, 1);
      parentPort.postMessage({ error: String((error && error.stack) || error) });
    }
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
})();
`;
