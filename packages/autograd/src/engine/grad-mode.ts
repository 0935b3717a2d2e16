// NOTE: process-wide (a Symbol.for key on globalThis), so noGrad() through one copy of this package
// (a duplicate install, or the CJS build next to the ESM one) also holds for tensors of the other
const GRAD_MODE_KEY = Symbol.for('mlblocks.autograd.gradMode');
const holder = globalThis as { [GRAD_MODE_KEY]?: { enabled: boolean } };
holder[GRAD_MODE_KEY] ??= { enabled: true };
const mode = holder[GRAD_MODE_KEY];

/** True when ops record the graph for backward (the default). */
export function isGradEnabled(): boolean {
  return mode.enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = mode.enabled;
  mode.enabled = enabled;
  try {
    return fn();
  } finally {
    mode.enabled = previous;
  }
}

/**
 * Runs `fn` without recording the graph: for evaluation and for parameter updates.
 *
 * @example
 * noGrad(() => w.assign(w.array.sub(w.grad!.array.mul(0.1))));
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
