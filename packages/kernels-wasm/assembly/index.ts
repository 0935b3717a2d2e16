// Entry point of the kernels module: everything the host calls. Memory is imported (shared when
// threads are used); the host owns all allocation, kernels only read and write the pointers given.
export { gemmScratchBytes, sgemm, sgemm_list } from './gemm';
export { gather, gather_runs32, index_runs, scatter_add_f32, scatter_add_runs_f32 } from './indexing';
export { gru_cell_f32, gru_cell_grad_f32, lstm_cell_f32, lstm_cell_grad_f32 } from './recurrent';
export {
  cross_entropy_grad_f32,
  cross_entropy_rows_f32,
  reduce_mid_f32,
  reduce_rows_f32,
  softmax_rows_f32,
} from './reduce';
export { binary_f32, move, to_f32, unary_f32, where } from './strided';
export { conv_weights_t, max_pool_f32, max_pool_grad_f32 } from './window';
