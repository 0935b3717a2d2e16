import { ValueError } from '../errors.js';
import { runtime } from '../runtime/runtime.js';

/**
 * A seedable pseudo-random generator (xoshiro128**, seeded through splitmix32).
 * Random arrays are drawn here on the host and then uploaded, so `seed(42)` gives the same
 * numbers on every backend. Pure 32-bit integer arithmetic: identical in every JS engine.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  /** Creates a generator; the same seed always yields the same stream. */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restarts the stream from `seed` (any finite number; integers recommended). */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new ValueError('seed', `seed must be a finite number, got ${seed}`);
    // splitmix32 expands one 32-bit seed into four well-mixed state words.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = undefined;
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const u1 = 1 - this.nextFloat(); // in (0, 1]: log(u1) is finite
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [low, high) without modulo bias. */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (range <= 0 || range > 2 ** 32)
      throw new ValueError('randint', `empty or too large range [${low}, ${high})`);
    const limit = 2 ** 32 - (2 ** 32 % range);
    let u = this.nextUint32();
    while (u >= limit) u = this.nextUint32();
    return low + (u % range);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// NOTE: kept in the process-wide runtime, so seed() through any copy of this package seeds them all
runtime.generator ??= new Generator(0);

/** Seeds the global generator used by `rand`, `randn`, `randint` when no generator is passed. */
export function seed(value: number): void {
  runtime.generator = new Generator(value);
}

/** The global generator (seeded with 0 until `seed()` is called). */
export function getGlobalGenerator(): Generator {
  return runtime.generator as Generator;
}
