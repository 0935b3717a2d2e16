/**
 * The source of a pool worker, as a string so that it works unchanged from the sources, from the
 * bundled ESM/CJS builds and in browsers (a Blob URL): no file to locate next to the bundle.
 *
 * A worker instantiates the kernels on the shared memory, reports ready, then parks in
 * `Atomics.wait` on its control slot (no CPU used while parked). Slot layout (int32):
 * [0] state: 0 idle, 1 run, 2 quit · [1] done flag · [2] task count · [3] task list · [4] scratch.
 */
export const WORKER_SOURCE = `
const onMessage = (handler) => {
  if (typeof self === 'undefined') require('node:worker_threads').parentPort.once('message', handler);
  else self.onmessage = (e) => handler(e.data);
};
const post = (msg) => {
  if (typeof self === 'undefined') require('node:worker_threads').parentPort.postMessage(msg);
  else self.postMessage(msg);
};
onMessage(({ module, memory, slot }) => {
  const { exports } = new WebAssembly.Instance(module, {
    env: { memory, abort: () => { throw new Error('kernels-wasm worker: abort'); } },
  });
  const ctrl = new Int32Array(memory.buffer);
  const s = slot >> 2;
  post('ready');
  for (;;) {
    Atomics.wait(ctrl, s, 0);
    const state = Atomics.load(ctrl, s);
    if (state === 2) break;
    if (state !== 1) continue;
    try {
      exports.sgemm_list(ctrl[s + 2], ctrl[s + 3], ctrl[s + 4]);
    } finally {
      Atomics.store(ctrl, s, 0);
      Atomics.store(ctrl, s + 1, 1);
      Atomics.notify(ctrl, s + 1);
    }
  }
});
`;
