import {
  activationGrad,
  concat,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  fromArray,
  Generator,
  matmulBiasActivation,
  maxPool2d,
  type NDArray,
  oneHot,
  randint,
  randn,
  stack,
  where,
  zeros,
} from '@mlblocks/core-tensor';

/**
 * What core-tensor composes from the primitives (means, clips, joins, logsumexp, softmax along any
 * axis, PyTorch-style gather/scatter, oneHot, 1-D products), run through the public NDArray API
 * on the backend and on the CPU: the primitives' cases above test each call, these test that the
 * calls a composition makes — views, permutes, temporaries — work together on the backend.
 */
export interface Composition {
  name: string;
  /** Inputs on the CPU; the suite moves them to the backend. */
  inputs: NDArray[];
  f: (...xs: NDArray[]) => NDArray;
  tolerance: 'exact' | 'accumulation' | 'dot';
}

export function compositions(seed: number): Composition[] {
  const gen = new Generator(seed);
  const rn = (...shape: number[]) => randn(shape, { generator: gen });
  const ints = (shape: number[]) => randint(0, 5, shape, { generator: gen });
  const repeated = fromArray([3, 3, 1, 3, 0], { dtype: 'int32' });
  return [
    { name: 'mean over axes', inputs: [rn(2, 3, 4, 5)], f: (a) => a.mean([0, 3]), tolerance: 'accumulation' },
    { name: 'max with keepdims', inputs: [rn(7, 129)], f: (a) => a.max(0, true), tolerance: 'exact' },
    {
      name: 'argmax and argmin',
      inputs: [rn(3, 1, 5)],
      f: (a) => a.argmax(-1).add(a.argmin(0).sum()),
      tolerance: 'exact',
    },
    {
      name: 'where with a scalar and clip',
      inputs: [rn(70)],
      f: (a) => where(a.gt(0), a, 0).add(a.clip(-0.5, 0.5)),
      tolerance: 'exact',
    },
    {
      name: 'concat and stack of views',
      inputs: [rn(3, 4), rn(2, 4), rn(3, 4)],
      f: (a, b, c) => concat([a, b, stack([c, c.transpose().contiguous().transpose()], 0).sum(0)], 0),
      tolerance: 'exact',
    },
    { name: 'softmax along axis 0', inputs: [rn(6, 4)], f: (a) => a.softmax(0), tolerance: 'accumulation' },
    { name: 'logsumexp', inputs: [rn(4, 9)], f: (a) => a.logsumexp(1), tolerance: 'accumulation' },
    { name: 'vector · matrix', inputs: [rn(4), rn(4, 3)], f: (a, b) => a.matmul(b), tolerance: 'dot' },
    {
      name: 'a layer: relu(x·Wᵀ + b), then its activation gradient (kernels, or composed)',
      inputs: [rn(2, 9, 13), rn(11, 13), rn(11), rn(2, 9, 11)],
      f: (x, w, b, g) => {
        const h = matmulBiasActivation(x, w.transpose(), b, 'relu');
        return activationGrad('relu', h, g).add(h);
      },
      tolerance: 'dot',
    },
    {
      name: 'tanh and sigmoid epilogues without a bias, and their gradients',
      inputs: [rn(5, 3), rn(3, 7), rn(5, 7)],
      f: (x, w, g) =>
        activationGrad('tanh', matmulBiasActivation(x, w, null, 'tanh'), g).add(
          activationGrad('sigmoid', matmulBiasActivation(x, w, null, 'sigmoid'), g),
        ),
      tolerance: 'dot',
    },
    {
      name: 'indexSelect with repeats',
      inputs: [rn(10, 6), ints([4, 7])],
      f: (t, i) => t.indexSelect(0, i),
      tolerance: 'exact',
    },
    {
      name: 'indexAdd of a transposed source',
      inputs: [zeros([4, 5]), repeated, rn(5, 4)],
      f: (z, i, g) => z.indexAdd(1, i, g.transpose()),
      tolerance: 'accumulation',
    },
    {
      name: 'PyTorch-style gather and scatterAdd',
      inputs: [
        rn(3, 5),
        fromArray([[4], [0], [2]], { dtype: 'int32' }),
        fromArray(
          [
            [2, 2],
            [0, 1],
            [1, 1],
          ],
          { dtype: 'int32' },
        ),
      ],
      f: (x, i, j) =>
        zeros([3, 5], { backend: x.backend.name }).scatterAdd(1, j, x.gather(1, i).expand(3, 2)),
      tolerance: 'accumulation',
    },
    { name: 'oneHot', inputs: [ints([9])], f: (i) => oneHot(i, 5), tolerance: 'exact' },
    {
      name: 'round and relu of halves and NaN',
      inputs: [fromArray([-100, 100, 0.5, -0.5, 1.5, 2.5, -2.5, Number.NaN, -0])],
      f: (a) => a.round().add(a.relu()),
      tolerance: 'exact',
    },
    {
      name: 'conv2d, its gradients and max pooling (kernels, or composed from gather + matmul)',
      inputs: [rn(2, 4, 9, 8), rn(6, 2, 3, 3), rn(2, 6, 5, 4)],
      f: (x, w, dy) => {
        const o = { stride: 2, padding: 1, groups: 2 };
        const y = conv2d(x, w, o);
        const pooled = maxPool2d(y, 3, { stride: 1, padding: 1 });
        const dx = conv2dInputGrad(dy, w, [9, 8], o);
        const dw = conv2dWeightGrad(x, dy, 3, o);
        const flat = [y, pooled.values, pooled.indices.cast('float32'), dx, dw].map((a) => a.reshape(-1));
        return concat(flat);
      },
      tolerance: 'dot',
    },
    {
      name: 'float64 arithmetic',
      inputs: [rn(3, 4).cast('float64'), rn(4).cast('float64')],
      f: (x, y) => x.mul(y).sub(y).exp(),
      tolerance: 'accumulation',
    },
  ];
}
