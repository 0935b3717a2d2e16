import { tensor } from '@mlblocks/autograd';
import { tidy } from '@mlblocks/core-tensor';
import { SGD } from '@mlblocks/optim';
import { loss1d, MINIMA } from './loss-1d.js';

/** One point of a descent: the parameter before step `step` and its loss and gradient. */
export interface DescentPoint {
  step: number;
  x: number;
  loss: number;
  grad: number;
}

/** How a run ended. */
export type Outcome = 'global minimum' | 'local minimum' | 'not converged yet' | 'diverged';

export interface Descent {
  x0: number;
  lr: number;
  points: DescentPoint[];
  outcome: Outcome;
  /** Steps taken until |f′(x)| < tolerance (or until it diverged / ran out of steps). */
  steps: number;
}

/**
 * Plain gradient descent on the 1-D loss, x ← x − η·f′(x), with autograd computing f′ and the
 * optimizer (`SGD` without momentum, on the full "data") taking the step. Stops when the gradient
 * is below `tolerance` (converged), when |x| passes `escapeAt` (diverged), or after `maxSteps`.
 */
export function descend(
  x0: number,
  lr: number,
  options: { maxSteps?: number; tolerance?: number; escapeAt?: number } = {},
): Descent {
  const { maxSteps = 100, tolerance = 1e-3, escapeAt = 10 } = options;
  const x = tensor([x0], { requiresGrad: true, backend: 'cpu' });
  const optimizer = new SGD([x], { lr });
  const points: DescentPoint[] = [];
  let outcome: Outcome = 'not converged yet';
  for (let step = 0; ; step++) {
    const { value, loss, grad } = tidy(() => {
      const f = loss1d(x); // forward
      f.backward(); // f′(x) lands in x.grad
      return { value: x.item(), loss: f.item(), grad: x.grad!.item() };
    });
    points.push({ step, x: value, loss, grad });
    if (!Number.isFinite(value) || Math.abs(value) > escapeAt) {
      outcome = 'diverged';
      break;
    }
    if (Math.abs(grad) < tolerance) {
      outcome =
        Math.abs(value - MINIMA.global) < Math.abs(value - MINIMA.local) ? 'global minimum' : 'local minimum';
      break;
    }
    if (step === maxSteps) break;
    optimizer.step(); // x ← x − η·f′(x)
    optimizer.zeroGrad();
  }
  optimizer.dispose();
  x.dispose();
  return { x0, lr, points, outcome, steps: points.length - 1 };
}

/** The lesson's settings: three learning rates from x₀ = 2, three starting points at η = 0.05. */
export const LESSON_SETTINGS: readonly { x0: number; lr: number; lesson: string }[] = [
  { x0: 2, lr: 0.01, lesson: 'learning rate too small: slow' },
  { x0: 2, lr: 0.05, lesson: 'a good learning rate: converges' },
  { x0: 2, lr: 0.3, lesson: 'learning rate too large: fails to converge' },
  { x0: -1, lr: 0.05, lesson: 'start at −1: stuck in the local minimum' },
  { x0: 0.05, lr: 0.05, lesson: 'start at 0.05: stuck in the local minimum' },
];
