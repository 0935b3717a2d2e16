import { noGrad, Tensor } from '@mlblocks/autograd';
import { checkOptions, keep, type NDArray, tidy, ValueError } from '@mlblocks/core-tensor';

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** Throw a ValueError when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : Array.from(params);
  return list.filter((p) => p.grad !== null);
}

// NOTE: replaces `.grad` with a new kept tensor instead of writing into it: a gradient's storage may
// be shared with an array the caller passed to backward(), which must not change.
function replaceGrad(p: Tensor, values: NDArray): void {
  const old = p.grad!;
  p.grad = keep(new Tensor(keep(values)));
  old.dispose();
}

function checkNorm(op: string, maxNorm: number, normType: number): void {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ValueError(op, `maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  if (typeof normType !== 'number' || !(normType > 0)) {
    throw new ValueError(op, `normType must be a number > 0 or Infinity, got ${String(normType)}`);
  }
}

// One gradient's share of the global p-norm, as a 0-d array: Σ|g|ᵖ, or max |g| for p = Infinity.
function normPart(g: NDArray, normType: number): NDArray {
  if (normType === Number.POSITIVE_INFINITY) return g.abs().max();
  return normType === 2 ? g.square().sum() : normType === 1 ? g.abs().sum() : g.abs().pow(normType).sum();
}

/**
 * Rescales the gradients of `params` so that their global norm — the p-norm of all gradient
 * elements together, as if concatenated — is at most `maxNorm`, and returns that norm before
 * clipping (PyTorch's `clip_grad_norm_`):
 *
 * ```text
 * total = (Σᵢ ‖gᵢ‖ₚᵖ)^(1/p)          (p = Infinity: maxᵢ maxⱼ |gᵢⱼ|)
 * gᵢ ← gᵢ · min(1, maxNorm / (total + 1e-6))
 * ```
 *
 * Parameters without a gradient are ignored; with none at all the norm is 0. Reads the norm back
 * synchronously (CPU and wasm backends).
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0); // log it: spikes reveal instability
 * opt.step();
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  checkOptions('clipGradNorm', options, { errorIfNonfinite: true });
  checkNorm('clipGradNorm', maxNorm, normType);
  const withGrad = gradsOf(params);
  if (withGrad.length === 0) return 0;
  const total = noGrad(() =>
    tidy(() => {
      const parts = withGrad.map((p) => normPart(p.grad!.array, normType).item());
      if (normType === Number.POSITIVE_INFINITY) return Math.max(...parts);
      let sum = 0;
      for (const part of parts) sum += part;
      return normType === 1 ? sum : normType === 2 ? Math.sqrt(sum) : sum ** (1 / normType);
    }),
  );
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      'clipGradNorm',
      `the total norm of order ${normType} of the gradients is ${total}; set errorIfNonfinite: false to scale by it anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // NOTE: PyTorch multiplies by min(coef, 1) always; multiplying by 1 changes nothing, so skip it
  if (coef < 1 || Number.isNaN(coef)) {
    noGrad(() => {
      for (const p of withGrad) replaceGrad(p, p.grad!.array.mul(coef));
    });
  }
  return total;
}

/**
 * `clipGradNorm` without reading anything back: the norm and the scale factor stay on the device,
 * so a GPU training step is not stalled by the clip. Every gradient is multiplied by
 * `min(1, maxNorm / (total + 1e-6))` (PyTorch's `clip_grad_norm_` does the same, always
 * multiplying); returns the total norm as a 0-d array that the caller owns (read it, or dispose it).
 * A NaN or infinite norm cannot be checked here: check the loss instead.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNormOnDevice(model.parameters(), 0.25); // queued, not awaited
 * opt.step();
 * console.log(await norm.itemAsync()); // read it when you want it
 * norm.dispose();
 */
export function clipGradNormOnDevice(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
): NDArray {
  checkNorm('clipGradNormOnDevice', maxNorm, normType);
  const withGrad = gradsOf(params);
  if (withGrad.length === 0)
    throw new ValueError('clipGradNormOnDevice', 'none of the parameters has a gradient');
  return noGrad(() =>
    tidy(() => {
      const parts = withGrad.map((p) => normPart(p.grad!.array, normType));
      let total = parts[0]!;
      for (const part of parts.slice(1))
        total = normType === Number.POSITIVE_INFINITY ? total.maximum(part) : total.add(part);
      if (normType === 2) total = total.sqrt();
      else if (normType !== 1 && normType !== Number.POSITIVE_INFINITY) total = total.pow(1 / normType);
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clip(0, 1);
      for (const p of withGrad) replaceGrad(p, p.grad!.array.mul(coef));
      return total;
    }),
  );
}

/**
 * Clamps every gradient element of `params` to `[−clipValue, clipValue]` (PyTorch's
 * `clip_grad_value_`). Parameters without a gradient are ignored.
 *
 * @example
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 * opt.step();
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ValueError('clipGradValue', `clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  noGrad(() => {
    for (const p of gradsOf(params)) replaceGrad(p, p.grad!.array.clip(-clipValue, clipValue));
  });
}
