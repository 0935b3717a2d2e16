/**
 * Timing for side-by-side comparisons. Each sample times a batch of calls long enough to dwarf the
 * timer's resolution; the reported figure is the median sample, which shrugs off the odd GC pause
 * or a neighbour process stealing the core. The two contenders' samples are interleaved so that
 * slow drift on a shared machine (thermal, other jobs) hits both alike.
 */
import { performance } from 'node:perf_hooks';

export interface TimingOptions {
  /** Minimum time spent warming each function up before measuring (JIT tiers, caches, pools). */
  warmupMs: number;
  /** Target duration of one sample; cheap calls are batched up to this. */
  sampleMs: number;
  /** Number of timed samples per function; the median is reported. */
  samples: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmupMs: 200, sampleMs: 100, samples: 5 };

/** Median seconds per call of `a` and of `b`. */
export function timePair(
  a: () => void,
  b: () => void,
  opts: TimingOptions = DEFAULT_TIMING,
): [number, number] {
  const batchA = batchSize(a, opts);
  const batchB = batchSize(b, opts);
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    samplesA.push(timeBatch(a, batchA));
    samplesB.push(timeBatch(b, batchB));
  }
  return [median(samplesA), median(samplesB)];
}

// Warms `fn` up, then picks how many calls make one sample of about `sampleMs`.
function batchSize(fn: () => void, opts: TimingOptions): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  // The first call often pays for compilation and scratch allocation; the calibration call below
  // is a second warm-up call, which matters for the slow (seconds-long) cases.
  while (calls < 1 || elapsed < opts.warmupMs) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  const perCall = timeBatch(fn, 1) * 1000;
  return Math.max(1, Math.round(opts.sampleMs / Math.max(perCall, 1e-3)));
}

function timeBatch(fn: () => void, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - start) / 1000 / calls;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
