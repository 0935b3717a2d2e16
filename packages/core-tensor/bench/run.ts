/**
 * `pnpm bench`: our CPU backend side by side with TensorFlow.js's `cpu` backend (both single-threaded
 * JavaScript) on matmul, element-wise ops and reductions. Rates are higher-is-better and the last
 * column is ours / tfjs. This is a report, not a test: nothing here passes or fails on a number.
 */
import os from 'node:os';
import { seed } from '@mlblocks/core-tensor';
import type { Case, Contenders } from './cases.js';
import { elementwiseCases } from './elementwise-cases.js';
import { matmulCases } from './matmul-cases.js';
import { reduceCases } from './reduce-cases.js';
import { fmt, Table } from './table.js';
import { loadTfjsCpu } from './tfjs.js';
import { timePair } from './timing.js';

const tf = await loadTfjsCpu();
seed(0);

const cases: Case[] = [...matmulCases(), ...elementwiseCases(), ...reduceCases()];
const widest = (f: (c: Case) => string) => Math.max(...cases.map((c) => f(c).length));
const table = new Table([
  { title: 'group', width: widest((c) => c.group), align: 'left' },
  { title: 'op', width: widest((c) => c.name), align: 'left' },
  { title: 'size', width: widest((c) => c.size), align: 'left' },
  { title: 'unit', width: 7, align: 'left' },
  { title: 'ours', width: 8, align: 'right' },
  { title: 'tfjs', width: 8, align: 'right' },
  { title: 'ours/tfjs', width: 9, align: 'right' },
  { title: 'check', width: 5, align: 'left' },
]);

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `core-tensor bench · Node ${process.version} · ${cpu} (${os.cpus().length} logical cores) · ` +
    `${process.platform}/${process.arch} · vs TensorFlow.js ${tf.version_core} '${tf.getBackend()}' backend`,
);
console.log(table.header());

const started = Date.now();
let group = '';
for (const c of cases) {
  const { ours, tfjs, dispose } = c.setup(tf);
  // On both CPU backends an op has finished its work when it returns; the tfjs dataSync() is then
  // free (it hands back the backend's own buffer), while ours would copy, so ours is only disposed.
  const runOurs = () => ours().dispose();
  const runTfjs = () => {
    const t = tfjs();
    t.dataSync();
    t.dispose();
  };
  const check = agree(ours, tfjs);
  const [secOurs, secTfjs] = timePair(runOurs, runTfjs);
  dispose();
  const scale = c.unit === 'GFLOP/s' ? 1e9 : 1e6;
  console.log(
    table.line([
      c.group === group ? '' : c.group,
      c.name,
      c.size,
      c.unit,
      fmt(c.work / secOurs / scale),
      fmt(c.work / secTfjs / scale),
      `${fmt(secTfjs / secOurs)}×`,
      check,
    ]),
  );
  group = c.group;
}
console.log(
  `median of 5 timed samples per op after warm-up, samples of both libraries interleaved; ` +
    `check: results agree to 1e-3 relative; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
);

// Runs each side once and compares: a fast wrong answer is not a result.
function agree(ours: Contenders['ours'], tfjs: Contenders['tfjs']): string {
  const a = ours();
  const t = tfjs();
  const x = a.dataSync();
  const y = t.dataSync();
  a.dispose();
  t.dispose();
  if (x.length !== y.length) return 'SIZE';
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < x.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(x[i]! - y[i]!));
    maxRef = Math.max(maxRef, Math.abs(y[i]!));
  }
  // NaN differences fail the test below too (every comparison with NaN is false).
  return maxDiff <= 1e-3 * (1 + maxRef) ? 'ok' : `DIFF ${maxDiff.toExponential(1)}`;
}
