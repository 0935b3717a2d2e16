// optim at the boundary (issue #15): schedulers and clipGradNorm reject unknown options like the
// optimizers (finding 7, through core-tensor's shared checkOptions); mutated optimizer state dicts
// load whole or not at all, with a typed error.
import { isDeepStrictEqual } from 'node:util';
import type { Tensor } from '@mlblocks/autograd';
import { MlBlocksError, ValueError } from '@mlblocks/core-tensor';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import {
  Adam,
  CosineAnnealingLR,
  clipGradNorm,
  ExponentialLR,
  LinearWarmup,
  type OptimizerStateDict,
  ReduceLROnPlateau,
  SGD,
  StepLR,
} from '@mlblocks/optim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradAt, param, setGrad } from '../helpers.js';

describe('unknown options', () => {
  const opt = () => new SGD([param([1, 2])], { lr: 0.1 });
  const cases: [string, () => unknown, RegExp][] = [
    [
      'SGD { mometum }',
      () => new SGD([param([1])], { mometum: 0.9 } as never),
      /SGD: unknown option 'mometum' \(did you mean 'momentum'\?\); valid options: lr, momentum/,
    ],
    [
      'addParamGroup { lrr }',
      () => opt().addParamGroup({ params: [param([3])], lrr: 1 } as never),
      /SGD: group 1: unknown option 'lrr' \(did you mean 'lr'\?\)/,
    ],
    [
      'StepLR { step_size }',
      () => new StepLR(opt(), { stepSize: 2, step_size: 3 } as never),
      /StepLR: unknown option 'step_size' \(did you mean 'stepSize'\?\); valid options: stepSize, gamma/,
    ],
    [
      'ExponentialLR { gama }',
      () => new ExponentialLR(opt(), { gamma: 0.9, gama: 0.5 } as never),
      /ExponentialLR: unknown option 'gama' \(did you mean 'gamma'\?\)/,
    ],
    [
      'CosineAnnealingLR { T_max }',
      () => new CosineAnnealingLR(opt(), { tMax: 5, T_max: 5 } as never),
      /did you mean 'tMax'\?/,
    ],
    [
      'LinearWarmup { warmup }',
      () => new LinearWarmup(opt(), { warmupSteps: 5, warmup: 5 } as never),
      /LinearWarmup: unknown option 'warmup' \(did you mean 'warmupSteps'\?\)/,
    ],
    [
      'ReduceLROnPlateau { min_lr }',
      () => new ReduceLROnPlateau(opt(), { min_lr: 0 } as never),
      /did you mean 'minLr'\?/,
    ],
    [
      'clipGradNorm { errorIfNonFinite }',
      () => clipGradNorm([param([1])], 1, 2, { error_if_nonfinite: true } as never),
      /clipGradNorm: unknown option 'error_if_nonfinite'/,
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });
});

// State arrays may be given as plain numbers (documented); stateDict() writes base64: compare so.
function canonical(dict: Record<string, unknown>): unknown {
  const copy = structuredClone(dict) as {
    state?: { buffers?: Record<string, { dtype?: string; data?: unknown }> }[];
  };
  for (const entry of copy.state ?? []) {
    for (const buffer of Object.values(entry?.buffers ?? {})) {
      if (Array.isArray(buffer?.data)) {
        const Typed = buffer.dtype === 'float32' ? Float32Array : Float64Array;
        buffer.data = Buffer.from(Typed.from(buffer.data as number[]).buffer).toString('base64');
      }
    }
  }
  return copy;
}

describe('fuzzed optimizer state dicts', () => {
  const tally = new Tally('optimizer state dicts (Adam.loadStateDict, mutated JSON)');

  function trained(): { ps: Tensor[]; opt: Adam } {
    const ps = [param([1, -2, 0.5]), param([0.3, 0.7, -0.1])];
    const opt = new Adam([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.05 }], { lr: 0.01, amsgrad: true });
    for (let t = 1; t <= 2; t++) {
      ps.forEach((p, i) => {
        setGrad(p, gradAt(t + i));
      });
      opt.step();
    }
    return { ps, opt };
  }

  const saved = JSON.parse(JSON.stringify(trained().opt.stateDict())) as Record<string, unknown>;

  // A path into the dict and a value to put there (or delete).
  function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (v === null || typeof v !== 'object') return [prefix];
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    return [
      prefix,
      ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k])),
    ];
  }
  const all = paths(saved).filter((p) => p.length > 0);

  const edit = fc.tuple(
    fc.constantFrom(...all),
    fc.oneof(
      fc.constant(undefined),
      fc.anything({ maxDepth: 1 }),
      fc.constantFrom(-1, 0, 1, 2, 1e300, Number.NaN, '', 'AAAA', [], {}, null),
    ),
  );

  it('loads whole or not at all; a refusal is a typed error and leaves the optimizer as it was', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const dict = structuredClone(saved);
        for (const [path, value] of edits) {
          let at: Record<string | number, unknown> = dict;
          for (const k of path.slice(0, -1)) {
            const next = at[k];
            if (next === null || typeof next !== 'object') return;
            at = next as Record<string | number, unknown>;
          }
          const last = path.at(-1)!;
          if (value === undefined) delete at[last];
          else at[last] = structuredClone(value); // a copy: constantFrom hands out the same [] and {} every time
        }
        const { opt } = trained();
        const before = JSON.stringify(opt.stateDict());
        tally.run(
          () => opt.loadStateDict(dict as unknown as OptimizerStateDict),
          (e) => e instanceof MlBlocksError && JSON.stringify(opt.stateDict()) === before,
          // accepted: the optimizer now holds exactly what the dict says
          () => isDeepStrictEqual(JSON.parse(JSON.stringify(opt.stateDict())), canonical(dict)),
        );
      }),
      fuzzParams(400),
    );
  });
});

it('found by this fuzzer: a sparse params list (a hole where an index should be) is refused', () => {
  const ps = [param([1, 2])];
  const opt = new SGD(ps, { lr: 0.1 });
  const dict = JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict;
  dict.paramGroups[0]!.params = new Array(1); // [<empty>]: forEach never looked at it
  expect(() => opt.loadStateDict(dict)).toThrow(/group 0: params\[0\] must be an integer/);
});
