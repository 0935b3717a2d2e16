import {
  HEAP_BASE as BASE,
  MAX_PAGES as PAGES,
  relaxedPlain,
  relaxedShared,
  simdPlain,
  simdShared,
} from './wasm-binary.gen.js';

/** The functions the AssemblyScript kernels export (pointers are byte addresses in the shared memory). */
export interface KernelExports {
  gemmScratchBytes(): number;
  sgemm_list(count: number, list: number, scratch: number): void;
  gather(
    shift: number,
    outer: number,
    D: number,
    inner: number,
    count: number,
    x: number,
    idx: number,
    out: number,
  ): void;
  scatter_add_f32(
    outer: number,
    D: number,
    inner: number,
    count: number,
    idx: number,
    src: number,
    out: number,
  ): void;
  index_runs(count: number, idx: number, runs: number): number;
  gather_runs32(
    outer: number,
    D: number,
    count: number,
    runCount: number,
    runs: number,
    x: number,
    out: number,
  ): void;
  scatter_add_runs_f32(
    outer: number,
    D: number,
    count: number,
    runCount: number,
    runs: number,
    src: number,
    out: number,
  ): void;
  to_f32(fromShift: number, n: number, src: number, out: number): void;
  reduce_rows_f32(op: number, rows: number, n: number, x: number, out: number): void;
  reduce_mid_f32(
    op: number,
    outer: number,
    mid: number,
    inner: number,
    x: number,
    out: number,
    acc: number,
  ): void;
  softmax_rows_f32(log: number, rows: number, n: number, x: number, out: number): void;
  conv_weights_t(
    src: number,
    dst: number,
    groups: number,
    cout: number,
    cin: number,
    kh: number,
    kw: number,
    flip: boolean,
  ): void;
  max_pool_f32(planes: number, window: number, x: number, out: number, idx: number): void;
  cross_entropy_rows_f32(
    rows: number,
    n: number,
    x: number,
    labels: number,
    loss: number,
    max: number,
    logSum: number,
  ): void;
  cross_entropy_grad_f32(
    rows: number,
    n: number,
    x: number,
    labels: number,
    max: number,
    logSum: number,
    scale: number,
    grad: number,
  ): void;
  lstm_cell_f32(rows: number, H: number, gates: number, c: number, out: number): void;
  lstm_cell_grad_f32(
    rows: number,
    H: number,
    gates: number,
    c: number,
    out: number,
    dOut: number,
    dGates: number,
    dc: number,
  ): void;
  gru_cell_f32(rows: number, H: number, gi: number, gh: number, h: number, out: number): void;
  gru_cell_grad_f32(
    rows: number,
    H: number,
    gi: number,
    gh: number,
    h: number,
    dOut: number,
    dgi: number,
    dgh: number,
    dh: number,
  ): void;
  max_pool_grad_f32(
    planes: number,
    plane: number,
    positions: number,
    dy: number,
    idx: number,
    out: number,
  ): void;
  unary_f32(op: number, rank: number, meta: number, offs: number, x: number, out: number): void;
  binary_f32(
    op: number,
    rank: number,
    meta: number,
    offs: number,
    a: number,
    b: number,
    out: number,
    outShift: number,
  ): void;
  move(shift: number, rank: number, meta: number, offs: number, dst: number, src: number): void;
  where(
    shift: number,
    rank: number,
    meta: number,
    offs: number,
    c: number,
    a: number,
    b: number,
    out: number,
  ): void;
}

/** Where the host allocator starts (static data of the module lies below) and the page limit. */
export const HEAP_BASE = BASE;
export const MAX_PAGES = PAGES;
const BINARIES = { simdShared, relaxedShared, simdPlain, relaxedPlain };

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let relaxed: boolean | undefined;

/**
 * True when this runtime accepts relaxed SIMD (`f32x4.relaxed_madd`): Node ≥ 22 and current
 * browsers by default, Node 20 with `--experimental-wasm-relaxed-simd`. Validated on the relaxed
 * build itself, so it is exactly the question that matters.
 */
export function relaxedSimdSupported(): boolean {
  relaxed ??= WebAssembly.validate(decode(relaxedPlain));
  return relaxed;
}

/** True when shared WebAssembly memory exists here (Node; cross-origin-isolated pages). */
export function sharedMemorySupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return typeof SharedArrayBuffer !== 'undefined';
  } catch {
    return false;
  }
}

/** The compiled kernels for the chosen variant (compiled once per process and variant). */
const compiled = new Map<string, Promise<WebAssembly.Module>>();

export function compileKernels(opts: { relaxed: boolean; shared: boolean }): Promise<WebAssembly.Module> {
  const key =
    `${opts.relaxed ? 'relaxed' : 'simd'}${opts.shared ? 'Shared' : 'Plain'}` as keyof typeof BINARIES;
  let module = compiled.get(key);
  if (!module) {
    module = WebAssembly.compile(decode(BINARIES[key]));
    compiled.set(key, module);
  }
  return module;
}

/** Instantiates the kernels on `memory` (each worker does the same with the same module). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('kernels-wasm: abort');
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}
