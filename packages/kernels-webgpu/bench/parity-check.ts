// A standalone parity check for whatever adapter this machine has (a real GPU included): the
// main primitives and the window kernels against the CPU backend, printing the worst error of each. The test suite
// (test/parity.test.ts) is the full version; this one runs without vitest, e.g. on a GPU box.
import { noGrad, softmaxCrossEntropy, tensor } from '@mlblocks/autograd';
import {
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  Generator,
  maxPool2d,
  maxPool2dGrad,
  type NDArray,
  randint,
  randn,
  registerBackend,
  zeros,
} from '@mlblocks/core-tensor';
import { createNodeWebGPUBackend } from '@mlblocks/kernels-webgpu/node';

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const gen = new Generator(5);
const rn = (...s: number[]) => randn(s, { generator: gen });

async function worst(
  name: string,
  f: (...xs: NDArray[]) => NDArray,
  inputs: NDArray[],
  tol: number,
): Promise<boolean> {
  const want = f(...inputs).dataSync();
  const got = await f(...inputs.map((x) => x.to('webgpu'))).data();
  let err = 0;
  for (let i = 0; i < want.length; i++)
    err = Math.max(err, Math.abs(want[i]! - got[i]!) / (1 + Math.abs(want[i]!)));
  const ok = err <= tol && got.length === want.length;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(44)} worst rel. error ${err.toExponential(2)} (tolerance ${tol})`,
  );
  return ok;
}

const backend = await createNodeWebGPUBackend();
registerBackend('webgpu', backend);
console.log(`adapter: ${backend.adapterDescription}`);
const checks: Promise<boolean>[] = [];
for (const [m, k, n] of [
  [1, 1, 1],
  [33, 65, 17],
  [128, 784, 256],
  [257, 513, 129],
  [1024, 1024, 1024],
]) {
  checks.push(worst(`matmul ${m}×${k} @ ${k}×${n}`, (a, b) => a.matmul(b), [rn(m!, k!), rn(k!, n!)], 2e-4));
}
checks.push(
  worst(
    'batched matmul, transposed operand',
    (a, b) => a.matmul(b.transpose()),
    [rn(3, 1, 40, 30), rn(2, 50, 30)],
    2e-4,
  ),
);
checks.push(
  worst('add with broadcast + strided view', (a, b) => a.transpose().add(b), [rn(300, 200), rn(300)], 1e-6),
);
checks.push(
  worst(
    'exp, tanh, sigmoid, erf',
    (a) => a.exp().add(a.tanh()).add(a.sigmoid()).add(a.erf()),
    [rn(1000, 77)],
    5e-6,
  ),
);
checks.push(worst('sum over rows of 10,000 (float32 accumulation)', (a) => a.sum(1), [rn(37, 10000)], 5e-5));
checks.push(worst('max over axis 0 (strided)', (a) => a.max(0), [rn(513, 65)], 0));
checks.push(worst('argmax rows', (a) => a.argmax(1).cast('float32'), [rn(100, 999)], 0));
checks.push(worst('softmax rows of 5,000', (a) => a.softmax(), [rn(64, 5000).mul(10)], 1e-5));
checks.push(
  worst(
    'indexSelect (embedding lookup)',
    (t, i) => t.indexSelect(0, i),
    [rn(5000, 64), randint(0, 5000, [4096], { generator: gen })],
    0,
  ),
);
checks.push(
  worst(
    'indexAdd, 4,096 ids into 100 rows',
    (z, i, g) => z.indexAdd(0, i, g),
    [zeros([100, 64]), randint(0, 100, [4096], { generator: gen }), rn(4096, 64)],
    1e-5,
  ),
);
// the window kernels at the bench CNN's second layer and at a strided, padded, grouped one
for (const [x, w, o] of [
  [rn(8, 32, 26, 26), rn(64, 32, 3, 3), {}],
  [rn(4, 6, 31, 29), rn(12, 3, 5, 5), { stride: 2, padding: 2, groups: 2 }],
] as const) {
  const y = conv2d(x, w, o);
  const dy = rn(...y.shape);
  const size: [number, number] = [x.shape[2]!, x.shape[3]!];
  checks.push(worst(`conv2d [${x.shape}] * [${w.shape}]`, (a, b) => conv2d(a, b, o), [x, w], 2e-4));
  checks.push(
    worst('  its input gradient', (g, b) => conv2dInputGrad(g, b, size, o), [dy, w], 2e-4),
    worst(
      '  its weight gradient',
      (a, g) => conv2dWeightGrad(a, g, [w.shape[2]!, w.shape[3]!], o),
      [x, dy],
      2e-4,
    ),
  );
}
checks.push(worst('maxPool2d 2×2 of [8, 64, 24, 24]', (a) => maxPool2d(a, 2).values, [rn(8, 64, 24, 24)], 0));
checks.push(
  worst(
    '  its gradient',
    (a, g) => maxPool2dGrad(g, maxPool2d(a, 2).indices, [24, 24], 2),
    [rn(8, 64, 24, 24), rn(8, 64, 12, 12)],
    0,
  ),
);
checks.push(
  worst(
    'MLP gradient (autograd)',
    (x, y, w) => {
      const wt = tensor(w, { requiresGrad: true });
      softmaxCrossEntropy(tensor(x).matmul(wt).tanh(), y).backward();
      return noGrad(() => wt.grad!.array);
    },
    [rn(64, 100), randint(0, 10, [64], { generator: gen }), rn(100, 10)],
    1e-5,
  ),
);
const results = await Promise.all(checks);
const failed = results.filter((r) => !r).length;
console.log(`parity: ${results.length - failed} passed, ${failed} failed`);
backend.dispose();
process.exit(failed === 0 ? 0 : 1);
