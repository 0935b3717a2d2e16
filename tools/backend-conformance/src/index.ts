/**
 * @mlblocks/backend-conformance — the checks every backend's test suite runs, so every backend is
 * held to the same ones: the op-driven conformance suite over the `Backend` contract, arrays
 * against the CPU's, and autograd and a long training loop on the backend.
 */

export type { Family } from './cases/case.js';
export { FAMILIES } from './cases/case.js';
export { expectOptimizerStepsMatchCpu } from './optimizer-steps.js';
export { expectMatchesCpu } from './parity.js';
export { type ConformanceOptions, describeConformance, expectCompositionsMatchCpu } from './suite.js';
export { DEFAULT_TOLERANCES, type ToleranceClass } from './tolerances.js';
export { expectCpuLossAndGradients, expectFlatTraining } from './training.js';
