/**
 * The source of a pool worker, as a string so that it works unchanged from the sources, from the
 * bundled ESM/CJS builds and in browsers (a Blob URL): no file to locate next to the bundle.
 *
 * A worker instantiates the kernels on the shared memory, reports ready, then parks in
 * `Atomics.wait` on its control slot (no CPU used while parked). Slot layout (int32):
 * [0] state: 0 idle, 1 run, 2 quit · [1] done flag · [2] task count · [3] task list · [4] scratch
 * · [5] failed flag · [6…15] the error's message (ASCII, 0-terminated) when its kernel threw.
 * A kernel that throws (a trap) is reported there and the worker keeps serving.
 */
export const WORKER_SOURCE = `
(async () => {
  // NOTE: import(), not require(): an eval'd Node worker is CommonJS or ESM depending on the parent
  const port = typeof self === 'undefined' ? (await import('node:worker_threads')).parentPort : null;
  const post = (msg) => (port ? port.postMessage(msg) : self.postMessage(msg));
  const { module, memory, slot } = await new Promise((resolve) => {
    if (port) port.once('message', resolve);
    else self.onmessage = (e) => resolve(e.data);
  });
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
    } catch (error) {
      const text = String(error && error.message ? (error.name || 'Error') + ': ' + error.message : error);
      const bytes = new Uint8Array(memory.buffer, (s + 6) * 4, 40);
      for (let i = 0; i < 39; i++) bytes[i] = i < text.length ? text.charCodeAt(i) & 127 : 0;
      bytes[39] = 0;
      ctrl[s + 5] = 1;
    } finally {
      Atomics.store(ctrl, s, 0);
      Atomics.store(ctrl, s + 1, 1);
      Atomics.notify(ctrl, s + 1);
    }
  }
})();
`;
