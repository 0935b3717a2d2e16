// Fuzzing settings shared by every package's robustness suite. `pnpm test` (CI) runs each property
// with a fixed seed and a short run; `pnpm fuzz` sets MLBLOCKS_FUZZ=long: 50× the runs and a fresh
// seed, printed so that a failure can be replayed with MLBLOCKS_FUZZ_SEED=<seed> pnpm fuzz.
import { afterAll } from 'vitest';

const long = process.env.MLBLOCKS_FUZZ === 'long';
const seed = Number(process.env.MLBLOCKS_FUZZ_SEED ?? (long ? Date.now() % 2 ** 31 : 0x5eed));

/** fast-check parameters: the fixed CI seed and `ciRuns` runs, or the long run's. */
export function fuzzParams(ciRuns: number): { seed: number; numRuns: number } {
  return { seed, numRuns: long ? ciRuns * 50 : ciRuns };
}

/**
 * Counts what happened to fuzzed inputs and prints one line per target after the file's tests:
 * inputs tried, rejected with a typed error, accepted, wrong accepts and crashes (the last two
 * also fail the property that met them, so a green run means both are 0).
 */
export class Tally {
  tried = 0;
  rejected = 0;
  accepted = 0;
  wrongAccepts = 0;
  crashes = 0;

  constructor(readonly target: string) {
    afterAll(() => {
      console.log(
        `[fuzz] ${this.target}: ${this.tried} inputs, ${this.rejected} rejected, ${this.accepted} accepted, ` +
          `${this.wrongAccepts} wrong accepts, ${this.crashes} crashes (seed ${seed})`,
      );
    });
  }

  /**
   * Runs `attempt` on one input. A throw that `isTyped` recognises is a rejection; any other
   * throw is a crash (rethrown). A result is checked with `isRight` (a wrong accept throws).
   */
  run<T>(attempt: () => T, isTyped: (error: unknown) => boolean, isRight: (result: T) => boolean): void {
    this.tried++;
    let result: T;
    try {
      result = attempt();
    } catch (error) {
      if (isTyped(error)) {
        this.rejected++;
        return;
      }
      this.crashes++;
      throw error;
    }
    if (!isRight(result)) {
      this.wrongAccepts++;
      throw new Error(`${this.target}: wrong accept`);
    }
    this.accepted++;
  }

  /** `run` for async attempts. */
  async runAsync<T>(
    attempt: () => Promise<T>,
    isTyped: (error: unknown) => boolean,
    isRight: (result: T) => boolean | Promise<boolean>,
  ): Promise<void> {
    this.tried++;
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (isTyped(error)) {
        this.rejected++;
        return;
      }
      this.crashes++;
      throw error;
    }
    if (!(await isRight(result))) {
      this.wrongAccepts++;
      throw new Error(`${this.target}: wrong accept`);
    }
    this.accepted++;
  }
}
