// Unknown options are errors (issue #15, finding 7): the shared checkOptions helper, and the
// creation functions that take options objects.
import {
  arange,
  checkOptions,
  eye,
  fromArray,
  full,
  Generator,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  scalar,
  ValueError,
  zeros,
  zerosLike,
} from '@mlblocks/core-tensor';
import { fuzzParams } from '@mlblocks/fuzz-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface Opts {
  stride?: number;
  padding?: number;
  ignoreIndex?: number;
}
const NAMES = { stride: true, padding: true, ignoreIndex: true } as const;

describe('checkOptions', () => {
  it('passes undefined, {} and every valid name (undefined values included)', () => {
    expect(() => checkOptions<Opts>('op', undefined, NAMES)).not.toThrow();
    expect(() => checkOptions<Opts>('op', {}, NAMES)).not.toThrow();
    expect(() =>
      checkOptions<Opts>('op', { stride: 1, padding: undefined, ignoreIndex: 3 }, NAMES),
    ).not.toThrow();
  });

  it('names the op, the unknown option, a likely intended one and every valid one', () => {
    const call = (o: object) => () => checkOptions<Opts>('conv', o as Opts, NAMES);
    expect(call({ groups: 2 })).toThrow(ValueError);
    expect(call({ groups: 2 })).toThrow(
      "conv: unknown option 'groups'; valid options: stride, padding, ignoreIndex",
    );
    expect(call({ ignore_index: 2 })).toThrow(
      "conv: unknown option 'ignore_index' (did you mean 'ignoreIndex'?); valid options: stride, padding, ignoreIndex",
    );
    expect(call({ strides: 2 })).toThrow(/did you mean 'stride'\?/);
    expect(call({ padding: 1, extra: undefined })).toThrow(/unknown option 'extra'/); // undefined values too
  });

  it('rejects something that is not an options object', () => {
    for (const bad of [3, 'x', null, [1, 2], true]) {
      expect(() => checkOptions<Opts>('op', bad as never, NAMES)).toThrow(
        /op: options must be an object of \{ stride, padding, ignoreIndex \}/,
      );
    }
  });

  it('any key outside the valid names is rejected; any subset of them passes (property)', () => {
    const valid = Object.keys(NAMES);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything(), { maxKeys: 5 }), (options) => {
        const unknown = Object.keys(options).filter((k) => !valid.includes(k));
        let threw: unknown;
        try {
          checkOptions<Opts>('op', options as Opts, NAMES);
        } catch (error) {
          threw = error;
        }
        if (unknown.length === 0) return threw === undefined;
        return (
          threw instanceof ValueError &&
          unknown.some((k) => threw instanceof Error && threw.message.includes(`unknown option '${k}'`))
        );
      }),
      fuzzParams(200),
    );
  });
});

describe('creation functions reject unknown options', () => {
  const cases: [string, () => unknown, string][] = [
    [
      'fromArray',
      () => fromArray([1], { dtpye: 'int32' } as never),
      "fromArray: unknown option 'dtpye' (did you mean 'dtype'?)",
    ],
    ['zeros', () => zeros([2], { device: 'cpu' } as never), "unknown option 'device'"],
    ['ones', () => ones([2], { requiresGrad: true } as never), "unknown option 'requiresGrad'"],
    ['full', () => full([2], 1, { fill: 2 } as never), "full: unknown option 'fill'"],
    ['scalar', () => scalar(1, { shape: [1] } as never), "scalar: unknown option 'shape'"],
    ['zerosLike', () => zerosLike(zeros([1]), { shape: [2] } as never), "zerosLike: unknown option 'shape'"],
    ['onesLike', () => onesLike(zeros([1]), { seed: 1 } as never), "onesLike: unknown option 'seed'"],
    [
      'arange',
      () => arange(3, undefined, 1, { endpoint: true } as never),
      "arange: unknown option 'endpoint'",
    ],
    [
      'linspace',
      () => linspace(0, 1, 3, { endpoint: false } as never),
      "linspace: unknown option 'endpoint'",
    ],
    ['eye', () => eye(2, 2, { k: 1 } as never), "eye: unknown option 'k'"],
    [
      'rand',
      () => rand([2], { seed: 1 } as never),
      "rand: unknown option 'seed'; valid options: dtype, backend, generator",
    ],
    ['randn', () => randn([2], { mean: 1 } as never), "randn: unknown option 'mean'"],
    [
      'randint',
      () => randint(0, 3, [2], { gen: new Generator(1) } as never),
      "randint: unknown option 'gen'",
    ],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });

  it('valid options still work', () => {
    expect(fromArray([1, 2], { dtype: 'int32', backend: 'cpu', shape: [2, 1] }).shape).toEqual([2, 1]);
    expect(rand([2], { generator: new Generator(1), dtype: 'float32' }).shape).toEqual([2]);
    expect(scalar(3, { dtype: 'int32' }).item()).toBe(3);
  });
});
