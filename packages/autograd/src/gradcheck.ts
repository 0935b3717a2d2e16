import {
  BackendError,
  checkOptions,
  fromArray,
  Generator,
  type NDArray,
  type OptionNames,
  tidy,
} from '@mlblocks/core-tensor';
import { noGrad } from './engine/grad-mode.js';
import { Tensor } from './tensor.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6 (inputs are checked in float64). */
  eps?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Seed of the random projection of the output. Default 0. */
  seed?: number;
}

const GRADCHECK_OPTIONS: OptionNames<GradcheckOptions> = { eps: true, atol: true, rtol: true, seed: true };

/** Where analytical and numerical gradients disagree most. */
export interface GradcheckWorst {
  /** Which input (position in `inputs`). */
  input: number;
  /** Multi-index of the element within that input. */
  index: number[];
  analytical: number;
  numerical: number;
}

/** Result of `gradcheck`. */
export interface GradcheckReport {
  passed: boolean;
  /** Largest |analytical − numerical| / (atol + rtol·|numerical|); ≤ 1 passes. */
  maxError: number;
  worst: GradcheckWorst | null;
  /** One line for humans, naming the worst element. */
  message: string;
}

/**
 * Checks `fn`'s analytical gradients against central finite differences, in float64 on the CPU.
 * `fn` is reduced to the scalar `Σ fn(x) ⊙ c` with a fixed random `c`, so every output element
 * takes part. Inputs may be Tensors or NDArrays (float, on the CPU); integer arguments such as
 * indices belong in the closure.
 *
 * @example
 * const report = gradcheck((x) => x.tanh().mul(x), [randn([3, 4])]);
 * if (!report.passed) throw new Error(report.message);
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly (Tensor | NDArray)[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkOptions('gradcheck', options, GRADCHECK_OPTIONS);
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5, seed = 0 } = options;
  const bases = inputs.map((input, i) => {
    const array = input instanceof Tensor ? input.array : input;
    if (!array.backend.readSync) {
      throw new BackendError(
        'gradcheck',
        `input ${i} lives on '${array.backend.name}'; gradcheck runs on the CPU — move it with await a.toAsync('cpu')`,
      );
    }
    return { shape: [...array.shape], values: Float64Array.from(array.dataSync()) };
  });
  const toTensor = (values: Float64Array, shape: number[], requiresGrad = false) =>
    new Tensor(fromArray(values, { shape }), { requiresGrad });

  const outShape = noGrad(() => tidy(() => [...fn(...bases.map((b) => toTensor(b.values, b.shape))).shape]));
  const gen = new Generator(seed);
  const projection = Float64Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () =>
    gen.nextNormal(),
  );
  const objective = (tensors: Tensor[]) =>
    fn(...tensors)
      .mul(toTensor(projection, outShape))
      .sum();

  // analytical: one backward pass
  const analytical = tidy(() => {
    const leaves = bases.map((b) => toTensor(b.values, b.shape, true));
    objective(leaves).backward();
    return leaves.map((t, i) =>
      t.grad ? Float64Array.from(t.grad.dataSync()) : new Float64Array(bases[i]!.values.length),
    );
  });

  // numerical: central differences, one element at a time
  const evaluate = () =>
    noGrad(() => tidy(() => objective(bases.map((b) => toTensor(b.values, b.shape))).item()));
  let worst = null as GradcheckWorst | null;
  let maxError = 0;
  for (const [i, base] of bases.entries()) {
    for (let j = 0; j < base.values.length; j++) {
      const original = base.values[j]!;
      base.values[j] = original + eps;
      const plus = evaluate();
      base.values[j] = original - eps;
      const minus = evaluate();
      base.values[j] = original;
      const numerical = (plus - minus) / (2 * eps);
      const a = analytical[i]![j]!;
      const error = Math.abs(a - numerical) / (atol + rtol * Math.abs(numerical));
      if (!(error <= maxError) || worst === null) {
        maxError = Number.isNaN(error) ? Number.POSITIVE_INFINITY : Math.max(maxError, error);
        worst = { input: i, index: unravel(j, base.shape), analytical: a, numerical };
      }
    }
  }
  const passed = maxError <= 1;
  const where = worst
    ? `input ${worst.input} at [${worst.index.join(',')}]: analytical ${worst.analytical}, numerical ${worst.numerical}`
    : 'no elements';
  const message = `gradcheck ${passed ? 'passed' : 'FAILED'}: worst element is ${where} (error ${maxError.toPrecision(3)} × tolerance)`;
  return { passed, maxError, worst, message };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = flat % shape[a]!;
    flat = Math.floor(flat / shape[a]!);
  }
  return index;
}
