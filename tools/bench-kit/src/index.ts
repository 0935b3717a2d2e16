/**
 * @mlblocks/bench-kit — the parts the backends' `pnpm bench` scripts share, so that every backend
 * runs the same workloads against the same peers and prints the same table.
 */
export { columnsOf, type Plan, type Results, runAll } from './run-all.js';
export { ratioTable } from './table.js';
export { loadTfjs, type Tfjs, type TfjsBackendName } from './tfjs-peers.js';
export { matmulGflops, type Product, repsFor, timeStep } from './timing.js';
export { torchRunner } from './torch-peer.js';
export { type LstmLmSpec, tfjsLstmLmStep } from './workloads/lstm-lm-tfjs.js';
export { type MlblocksRunnerOptions, mlblocksRunner } from './workloads/mlblocks.js';
export { CNN, MLP, type Runner, SLOW_MATMUL_MAX } from './workloads/spec.js';
export { tfjsRunner } from './workloads/tfjs.js';
