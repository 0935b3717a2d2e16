import { BackendError, keep, type NDArray, tidy } from '@mlblocks/core-tensor';
import { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';

/** What an op's forward returns: its output, what backward needs, and backward itself. */
export interface OpResult {
  out: NDArray;
  /**
   * Arrays the backward function receives, handed over to the engine (it frees them): arrays the
   * forward created, its inputs or its output. An array from outside (a mask, indices) must be
   * passed as `a.ref()` so the engine never frees the caller's array.
   */
  saved?: NDArray[];
  backward: BackwardFn;
}

/**
 * Runs one differentiable op. `forward` gets the inputs' arrays and returns the output with its
 * backward function, side by side. When no input needs a gradient (or inside `noGrad`) nothing
 * is recorded and the saved arrays are freed at once.
 *
 * @example
 * export const exp = (x: Tensor) =>
 *   record('exp', [x], (a) => {
 *     const out = a.exp();
 *     return { out, saved: [out], backward: (g, [y]) => [g.mul(y!)] };
 *   });
 */
export function record(
  name: string,
  inputs: readonly Tensor[],
  forward: (...arrays: NDArray[]) => OpResult,
): Tensor {
  const arrays = inputs.map((t) => t.array);
  for (const a of arrays) {
    if (a.backend !== arrays[0]!.backend) {
      throw new BackendError(
        name,
        `tensors live on different backends ('${arrays[0]!.backend.name}' and '${a.backend.name}'); move one with .to('${arrays[0]!.backend.name}')`,
      );
    }
  }
  const needsGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  // tidy frees the forward's temporaries; what it returns (out, saved) survives
  const { out, saved = [], backward } = tidy(() => forward(...arrays));
  const isShared = (s: NDArray) => s === out || arrays.includes(s);
  if (!needsGrad) {
    for (const s of saved) if (!isShared(s)) s.dispose();
    return new Tensor(out);
  }
  // the graph takes its own handle on the output and inputs it saves, and owns the rest;
  // `keep` because the graph, not the caller's scope, decides when they die
  const owned = saved.map((s) => keep(isShared(s) ? s.ref() : s));
  const node = new Node(
    name,
    inputs.map((t) => (t.requiresGrad ? t : null)),
    owned,
    backward,
  );
  return new Tensor(out, { gradFn: node });
}
