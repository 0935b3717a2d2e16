/**
 * @mlblocks/backend-conformance — checks shared by the backends' test suites (wasm, WebGPU), so
 * every backend is held to the same ones.
 */

export { expectMatchesCpu } from './parity.js';
export { expectCpuLossAndGradients, expectFlatTraining } from './training.js';
