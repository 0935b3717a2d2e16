// The trainer's WebAssembly SIMD kernels, assembled here byte by byte: three small functions
// need no compiler, no build step and no generated file (the bytes are made when first used).
//
// Exports (addresses are byte offsets into the imported memory, `n` a multiple of 4 floats):
//   row(out, h, e, n, label, lr) → g   f = h·out; g = lr·(label − σ(f)); e += g·out; out += g·h
//   add(dst, src, n)                   dst += src
//   scale(dst, s, n)                   dst *= s
//   negatives(out, h, e, n, targets, count, lr)
//                                      row() for the `count` int32 row ids at `targets` (rows of
//                                      n floats from `out`), label 1 for the first, 0 for the rest:
//                                      one call per input word instead of one per output row
//   context(out, h, e, n, targets, count, lr)
//                                      e = 0, negatives(…), h += e: a skip-gram input word in one call
//   sum(dst, base, ids, count, n)      dst = Σ rows ids[0 … count) of n floats from base (CBOW's input)
//   spread(base, ids, count, src, n)   each of those rows += src (CBOW's update of its context)
// σ uses the imported `exp` (Math.exp, which V8 calls directly from wasm), so the update is the
// same function of f as the JavaScript kernel's.

const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;

const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  get: 0x20,
  i32Eqz: 0x45,
  set: 0x21,
  i32Const: 0x41,
  f64Const: 0x44,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Shl: 0x74,
  f32Add: 0x92,
  f64Neg: 0x9a,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

// SIMD instructions: the 0xfd prefix, then the opcode as unsigned LEB128
const v128Load = [0xfd, 0x00, 4, 0]; // memarg: align 2^4, offset 0
const v128Store = [0xfd, 0x0b, 4, 0];
const f32x4Splat = [0xfd, 0x13];
const f32x4Extract = (lane: number) => [0xfd, 0x1f, lane];
const f32x4Add = [0xfd, 0xe4, 0x01];
const f32x4Mul = [0xfd, 0xe6, 0x01];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function f64Bytes(x: number): number[] {
  return [...new Uint8Array(new Float64Array([x]).buffer)];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** `for (i = 0; i < end; i += 16) body` over byte offsets; `i` and `end` are locals. */
function loop16(i: number, end: number, body: number[]): number[] {
  return [
    ...[op.i32Const, 0, op.set, i],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.get, i, op.get, end, op.i32GeU, op.brIf, 1],
    ...body,
    ...[op.get, i, op.i32Const, 16, op.i32Add, op.set, i, op.br, 0],
    ...[op.end, op.end],
  ];
}

/** `v128.load(base + i)` */
const load = (base: number, i: number) => [op.get, base, op.get, i, op.i32Add, ...v128Load];
/** `end = n * 4` (floats to bytes) */
const bytesOf = (n: number, end: number) => [op.get, n, op.i32Const, 2, op.i32Shl, op.set, end];

function rowBody(): number[] {
  // params: 0 out, 1 h, 2 e, 3 n, 4 label (f32), 5 lr (f32)
  // locals: 6 i, 7 end, 8 end4, 9 g (f32), 10 gv, 11 v, 12–15 four partial sums
  const [out, h, e, n, label, lr, i, end, end4, g, gv, v] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const acc = [12, 13, 14, 15] as const;
  const lane = (k: number) => [op.get, acc[0], ...f32x4Extract(k)];
  const madd = (a: number, offset: number) => [
    ...[op.get, a, op.get, h, op.get, i, op.i32Add, 0xfd, 0x00, 4, offset],
    ...[op.get, out, op.get, i, op.i32Add, 0xfd, 0x00, 4, offset],
    ...f32x4Mul,
    ...f32x4Add,
    ...[op.set, a],
  ];
  const code = [
    ...bytesOf(n, end),
    // end4 = end − 48: the 4-vector steps run while i < end4 (i + 64 ≤ end)
    ...[op.get, end, op.i32Const, 48, 0x6b /* i32.sub */, op.set, end4],
    // four independent partial sums: one would wait on the adder's latency every vector
    ...[op.i32Const, 0, op.set, i],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.get, i, op.get, end4, 0x48 /* i32.lt_s */, op.i32Eqz, op.brIf, 1],
    ...madd(acc[0], 0),
    ...madd(acc[1], 16),
    ...madd(acc[2], 32),
    ...madd(acc[3], 48),
    ...[op.get, i, op.i32Const, 0xc0, 0x00 /* 64 */, op.i32Add, op.set, i, op.br, 0],
    ...[op.end, op.end],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.get, i, op.get, end, op.i32GeU, op.brIf, 1],
    ...madd(acc[0], 0),
    ...[op.get, i, op.i32Const, 16, op.i32Add, op.set, i, op.br, 0],
    ...[op.end, op.end],
    ...[
      op.get,
      acc[0],
      op.get,
      acc[1],
      ...f32x4Add,
      op.get,
      acc[2],
      op.get,
      acc[3],
      ...f32x4Add,
      ...f32x4Add,
      op.set,
      acc[0],
    ],
    // g = lr · (label − 1 / (1 + exp(−f)))
    ...[op.get, label, op.f64PromoteF32, op.f64Const, ...f64Bytes(1), op.f64Const, ...f64Bytes(1)],
    ...[...lane(0), ...lane(1), op.f32Add, ...lane(2), ...lane(3), op.f32Add, op.f32Add],
    ...[op.f64PromoteF32, op.f64Neg, op.call, 0, op.f64Add, op.f64Div, op.f64Sub],
    ...[op.get, lr, op.f64PromoteF32, op.f64Mul, op.f32DemoteF64, op.set, g],
    ...[op.get, g, ...f32x4Splat, op.set, gv],
    // e += g·out; out += g·h (out read before either store)
    ...loop16(i, end, [
      ...[...load(out, i), op.set, v],
      ...[op.get, e, op.get, i, op.i32Add, ...load(e, i), op.get, gv, op.get, v, ...f32x4Mul, ...f32x4Add],
      ...v128Store,
      ...[op.get, out, op.get, i, op.i32Add, op.get, v, op.get, gv, ...load(h, i), ...f32x4Mul, ...f32x4Add],
      ...v128Store,
    ]),
    op.get,
    g,
  ];
  return [
    ...vec(
      [
        [3, I32],
        [1, F32],
        [6, V128],
      ].map(([c, t]) => [...uleb(c!), t!]),
    ),
    ...code,
  ];
}

function addBody(): number[] {
  // params: 0 dst, 1 src, 2 n; locals: 3 i, 4 end
  const [dst, src, n, i, end] = [0, 1, 2, 3, 4];
  const code = [
    ...bytesOf(n, end),
    ...loop16(i, end, [
      ...[op.get, dst, op.get, i, op.i32Add, ...load(dst, i), ...load(src, i), ...f32x4Add],
      ...v128Store,
    ]),
  ];
  return [...vec([[...uleb(2), I32]]), ...code];
}

function scaleBody(): number[] {
  // params: 0 dst, 1 s (f32), 2 n; locals: 3 i, 4 end, 5 sv
  const [dst, s, n, i, end, sv] = [0, 1, 2, 3, 4, 5];
  const code = [
    ...bytesOf(n, end),
    ...[op.get, s, ...f32x4Splat, op.set, sv],
    ...loop16(i, end, [
      ...[op.get, dst, op.get, i, op.i32Add, ...load(dst, i), op.get, sv, ...f32x4Mul],
      ...v128Store,
    ]),
  ];
  return [
    ...vec([
      [...uleb(2), I32],
      [...uleb(1), V128],
    ]),
    ...code,
  ];
}

function negativesBody(): number[] {
  // params: 0 out, 1 h, 2 e, 3 n, 4 targets, 5 count, 6 lr (f32); locals: 7 k (bytes), 8 end
  const [out, h, e, n, targets, count, lr, k, end] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const code = [
    ...bytesOf(count, end),
    ...[op.i32Const, 0, op.set, k],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.get, k, op.get, end, op.i32GeU, op.brIf, 1],
    // row(out + targets[k] · n · 4, h, e, n, k === 0 ? 1 : 0, lr)
    ...[op.get, out, op.get, targets, op.get, k, op.i32Add, 0x28 /* i32.load */, 2, 0],
    ...[op.get, n, op.i32Const, 2, op.i32Shl, 0x6c /* i32.mul */, op.i32Add],
    ...[op.get, h, op.get, e, op.get, n],
    ...[op.get, k, op.i32Eqz, 0xb3 /* f32.convert_i32_u */, op.get, lr],
    ...[op.call, 1, 0x1a /* drop */],
    ...[op.get, k, op.i32Const, 4, op.i32Add, op.set, k, op.br, 0],
    ...[op.end, op.end],
  ];
  return [...vec([[...uleb(2), I32]]), ...code];
}

/** `for (k = 0; k < count·4; k += 4) add(…)`, `call` pushing add's arguments (one of them the row of ids[k]). */
function eachRow(count: number, k: number, end: number, call: number[]): number[] {
  return [
    ...bytesOf(count, end),
    ...[op.i32Const, 0, op.set, k],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[op.get, k, op.get, end, op.i32GeU, op.brIf, 1],
    ...call,
    ...[op.call, 2 /* add */],
    ...[op.get, k, op.i32Const, 4, op.i32Add, op.set, k, op.br, 0],
    ...[op.end, op.end],
  ];
}

/** `base + ids[k] · n · 4` */
const rowAddress = (base: number, ids: number, k: number, n: number) => [
  ...[op.get, base, op.get, ids, op.get, k, op.i32Add, 0x28 /* i32.load */, 2, 0],
  ...[op.get, n, op.i32Const, 2, op.i32Shl, 0x6c /* i32.mul */, op.i32Add],
];

function contextBody(): number[] {
  // params as negatives: 0 out, 1 h, 2 e, 3 n, 4 targets, 5 count, 6 lr; locals: 7 i, 8 bytes
  const [out, h, e, n, targets, count, lr, i, bytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const zero = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
  return [
    ...vec([[...uleb(2), I32]]),
    ...bytesOf(n, bytes),
    ...loop16(i, bytes, [op.get, e, op.get, i, op.i32Add, ...zero, ...v128Store]),
    ...[
      op.get,
      out,
      op.get,
      h,
      op.get,
      e,
      op.get,
      n,
      op.get,
      targets,
      op.get,
      count,
      op.get,
      lr,
      op.call,
      4 /* negatives */,
    ],
    ...[op.get, h, op.get, e, op.get, n, op.call, 2 /* add */],
  ];
}

function sumBody(): number[] {
  // params: 0 dst, 1 base, 2 ids, 3 count, 4 n; locals: 5 k, 6 end, 7 i, 8 bytes
  const [dst, base, ids, count, n, k, end, i, bytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const zero = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
  return [
    ...vec([[...uleb(4), I32]]),
    ...bytesOf(n, bytes),
    ...loop16(i, bytes, [op.get, dst, op.get, i, op.i32Add, ...zero, ...v128Store]),
    ...eachRow(count, k, end, [op.get, dst, ...rowAddress(base, ids, k, n), op.get, n]),
  ];
}

function spreadBody(): number[] {
  // params: 0 base, 1 ids, 2 count, 3 src, 4 n; locals: 5 k, 6 end
  const [base, ids, count, src, n, k, end] = [0, 1, 2, 3, 4, 5, 6];
  return [
    ...vec([[...uleb(2), I32]]),
    ...eachRow(count, k, end, [...rowAddress(base, ids, k, n), op.get, src, op.get, n]),
  ];
}

/**
 * The module's bytes. Its memory is imported as `env.memory` (`shared` for worker threads, with
 * `maximumPages` pages at most) and `env.exp` is Math.exp.
 */
export function simdModuleBytes(shared: boolean, maximumPages: number): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, ...vec([[F64]]), ...vec([[F64]])], // 0: exp
    [0x60, ...vec([[I32], [I32], [I32], [I32], [F32], [F32]]), ...vec([[F32]])], // 1: row
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])], // 2: add
    [0x60, ...vec([[I32], [F32], [I32]]), ...vec([])], // 3: scale
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [F32]]), ...vec([])], // 4: negatives
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])], // 5: sum, spread
  ];
  const memoryLimits = shared
    ? [0x03, ...uleb(1), ...uleb(maximumPages)]
    : [0x01, ...uleb(1), ...uleb(maximumPages)];
  const imports = [
    [...name('env'), ...name('exp'), 0x00, 0],
    [...name('env'), ...name('memory'), 0x02, ...memoryLimits],
  ];
  const bodies = [
    rowBody(),
    addBody(),
    scaleBody(),
    negativesBody(),
    sumBody(),
    spreadBody(),
    contextBody(),
  ].map((body) => [...body, op.end]);
  const exports = [
    [...name('row'), 0x00, 1],
    [...name('add'), 0x00, 2],
    [...name('scale'), 0x00, 3],
    [...name('negatives'), 0x00, 4],
    [...name('sum'), 0x00, 5],
    [...name('spread'), 0x00, 6],
    [...name('context'), 0x00, 7],
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec([[1], [2], [3], [4], [5], [5], [4]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/** The kernels' exports, addresses in bytes. */
export interface SimdKernels {
  row(out: number, h: number, e: number, n: number, label: number, lr: number): number;
  add(dst: number, src: number, n: number): void;
  scale(dst: number, s: number, n: number): void;
  negatives(out: number, h: number, e: number, n: number, targets: number, count: number, lr: number): void;
  sum(dst: number, base: number, ids: number, count: number, n: number): void;
  spread(base: number, ids: number, count: number, src: number, n: number): void;
  context(out: number, h: number, e: number, n: number, targets: number, count: number, lr: number): void;
}
