/**
 * Walking strided views on the CPU. Kernels work on 1-D runs (`n` elements, one stride per
 * operand); these helpers split an n-d iteration into such runs after merging every pair of
 * axes that all operands step through contiguously, so the common cases are one single run.
 */

/** Merges collapsible axes and drops size-1 axes. Returns the reduced shape and per-operand strides. */
export function collapseAxes(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const d = shape[axis]!;
    if (d === 1) continue;
    const last = outShape.length - 1;
    // axis `last` can absorb this one when, for every operand, stepping the outer axis once
    // equals stepping this axis d times.
    if (last >= 0 && stridesList.every((s, k) => outStrides[k]![last] === s[axis]! * d)) {
      outShape[last]! *= d;
      stridesList.forEach((s, k) => {
        outStrides[k]![last] = s[axis]!;
      });
    } else {
      outShape.push(d);
      stridesList.forEach((s, k) => {
        outStrides[k]!.push(s[axis]!);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `run(offsets, n, innerStrides)` once per innermost run of the iteration over `shape`,
 * where `offsets[k]` is operand k's start index for that run. `offsets` is reused between calls.
 */
export function forEachRun(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
  startOffsets: readonly number[],
  run: (offsets: number[], n: number, innerStrides: readonly number[]) => void,
): void {
  const { shape: dims, strides } = collapseAxes(shape, stridesList);
  const operands = stridesList.length;
  const offsets = [...startOffsets];
  for (const d of shape) if (d === 0) return;
  if (dims.length === 0) {
    run(offsets, 1, new Array<number>(operands).fill(0));
    return;
  }
  const rank = dims.length;
  const n = dims[rank - 1]!;
  const inner = strides.map((s) => s[rank - 1]!);
  const counter = new Array<number>(rank - 1).fill(0);
  for (;;) {
    run(offsets, n, inner);
    // odometer over the outer axes
    let axis = rank - 2;
    for (; axis >= 0; axis--) {
      counter[axis]!++;
      for (let k = 0; k < operands; k++) offsets[k]! += strides[k]![axis]!;
      if (counter[axis]! < dims[axis]!) break;
      for (let k = 0; k < operands; k++) offsets[k]! -= strides[k]![axis]! * dims[axis]!;
      counter[axis] = 0;
    }
    if (axis < 0) return;
  }
}
