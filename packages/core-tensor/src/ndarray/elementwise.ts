import {
  BINARY_OP_KINDS,
  type BinaryOp,
  binaryResultDType,
  type OpKind,
  UNARY_OP_KINDS,
  type UnaryOp,
} from '../backend/ops.js';
import { assertDType, checkScalarFits, type DType, floatResultType, promoteTypes } from '../dtype.js';
import { BackendError, DTypeError } from '../errors.js';
import { tidy } from '../memory/scope.js';
import { broadcastShapes, broadcastStrides } from '../shape/shape.js';
import { NDArray, type Operand } from './ndarray.js';

/**
 * Element-wise ops: dtype rules and broadcasting live here, once, for every backend.
 *
 * dtype rules (see `promoteTypes`): operands are widened only when that is lossless
 * (bool → uint8 → int32, bool/uint8 → float32, anything → float64); int32 with float32 asks for a cast.
 * JS numbers take the dtype of the array they meet. Which dtypes each op takes is in the op list
 * (`backend/ops.ts`).
 */

const OP_NAMES: Partial<Record<UnaryOp | BinaryOp, string>> = {
  not: 'logicalNot',
  and: 'logicalAnd',
  or: 'logicalOr',
};

/** The dtype an op of `kind` computes in for input dtype `dtype`. */
function computeType(op: string, kind: OpKind, dtype: DType): DType {
  if (kind === 'float') return floatResultType(op, dtype);
  if (kind === 'bool' && dtype !== 'bool') {
    throw new DTypeError(
      op,
      `needs bool operands, got ${dtype}; compare first (e.g. x.gt(0)) or use .cast('bool')`,
    );
  }
  if (kind === 'numeric' && dtype === 'bool') {
    throw new DTypeError(
      op,
      `does not take bool operands; cast with .cast('int32') or .cast('float32') first`,
    );
  }
  return dtype;
}

/** Converts to `dtype` when needed (a copy); returns a new reference either way. `op` names the caller in errors. */
export function cast(x: NDArray, dtype: DType, op = 'cast'): NDArray {
  assertDType(op, dtype);
  if (dtype === x.dtype) return x.viewAs(x.shape, x.strides, x.offset, op);
  return NDArray.fromStorage(x.backend.copy(x.view(op), dtype), x.shape, dtype);
}

// NOTE: unary, binary and where sit under every element-wise call, where tidy's two Sets per
// call would show on small arrays; they free their few temporaries by hand.
export function unary(op: UnaryOp, x: NDArray): NDArray {
  const name = OP_NAMES[op] ?? op;
  const dtype = computeType(name, UNARY_OP_KINDS[op], x.dtype);
  const input = cast(x, dtype, name);
  try {
    return NDArray.fromStorage(x.backend.unary(op, input.view(name)), x.shape, dtype);
  } finally {
    input.dispose();
  }
}

export function binary(op: BinaryOp, a: Operand, b: Operand): NDArray {
  const name = OP_NAMES[op] ?? op;
  const [x, y] = toArrays(name, a, b);
  try {
    const dtype = computeType(name, BINARY_OP_KINDS[op], promoteTypes(name, x.dtype, y.dtype));
    const shape = broadcastShapes(name, x.shape, y.shape);
    const xs = cast(x, dtype, name);
    const ys = cast(y, dtype, name);
    try {
      const storage = x.backend.binary(op, broadcastView(name, xs, shape), broadcastView(name, ys, shape));
      return NDArray.fromStorage(storage, shape, binaryResultDType(op, dtype));
    } finally {
      xs.dispose();
      ys.dispose();
    }
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

/** `cond ? a : b`, element-wise with broadcasting. `cond` must be bool. */
export function where(cond: NDArray, a: Operand, b: Operand): NDArray {
  if (cond.dtype !== 'bool') {
    throw new DTypeError(
      'where',
      `condition must be bool, got ${cond.dtype}; build it with a comparison such as x.gt(0)`,
    );
  }
  const [x, y] = toArrays('where', a, b, cond);
  try {
    sameBackend('where', cond, x);
    const dtype = promoteTypes('where', x.dtype, y.dtype);
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
    cond.checkLive('where');
    const xs = cast(x, dtype, 'where');
    const ys = cast(y, dtype, 'where');
    try {
      const storage = cond.backend.where(
        broadcastView('where', cond, shape),
        broadcastView('where', xs, shape),
        broadcastView('where', ys, shape),
      );
      return NDArray.fromStorage(storage, shape, dtype);
    } finally {
      xs.dispose();
      ys.dispose();
    }
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

/** Limits `x` to `[min, max]`; NaN stays NaN. */
export function clip(x: NDArray, min?: Operand, max?: Operand): NDArray {
  x.checkLive('clip');
  if (min === undefined && max === undefined) return x.viewAs(x.shape, x.strides, x.offset, 'clip');
  if (min === undefined) return binary('minimum', x, max!);
  if (max === undefined) return binary('maximum', x, min);
  return tidy(() => binary('minimum', binary('maximum', x, min), max));
}

// Numbers become 0-d arrays of the other operand's dtype on its backend.
function toArrays(op: string, a: Operand, b: Operand, context?: NDArray): [NDArray, NDArray] {
  const ref = a instanceof NDArray ? a : b instanceof NDArray ? b : context;
  if (!ref) throw new DTypeError(op, 'needs at least one NDArray operand');
  // with no array operand (where(cond, 1, 0.5)) the scalars share int32, or float32 if any is fractional
  const scalarType: DType =
    ref !== context ? ref.dtype : [a, b].every((v) => Number.isInteger(v)) ? 'int32' : 'float32';
  const lift = (v: Operand) => {
    if (v instanceof NDArray) return v;
    if (typeof v !== 'number')
      throw new DTypeError(op, `operands must be NDArrays or numbers, got ${typeof v}`);
    const dtype = scalarType;
    checkScalarFits(op, v, dtype);
    return NDArray.fromStorage(ref.backend.fill(dtype, 1, v), [], dtype);
  };
  const x = lift(a);
  const y = lift(b);
  sameBackend(op, x, y);
  return [x, y];
}

/** Throws a BackendError when two arrays live on different backends. */
export function sameBackend(op: string, a: NDArray, b: NDArray): void {
  if (a.backend !== b.backend) {
    throw new BackendError(
      op,
      `operands live on different backends ('${a.backend.name}' and '${b.backend.name}'); move one with .to('${a.backend.name}')`,
    );
  }
}

/** The strided view of `x` broadcast to `shape`. */
export function broadcastView(op: string, x: NDArray, shape: readonly number[]) {
  const view = x.view(op);
  return { ...view, shape, strides: broadcastStrides(op, x.shape, x.strides, shape) };
}
