import { type Generator, ValueError } from '@mlblocks/core-tensor';

/** How the next token is chosen from the model's logits. */
export interface SamplingOptions {
  /**
   * Divides the logits before the softmax: < 1 sharpens, > 1 flattens; 0 = greedy (the most
   * likely token, no randomness). Default 1.
   */
  temperature?: number;
  /** Sample only among the k most likely tokens (default: all). */
  topK?: number;
  /** Nucleus sampling: only the most likely tokens whose probabilities add up to p (default 1: all). */
  topP?: number;
}

/** Checks sampling options; throws `ValueError` naming the bad one. */
export function checkSampling(options: SamplingOptions, op = 'sample'): void {
  const { temperature = 1, topK, topP = 1 } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new ValueError(op, `temperature must be a number ≥ 0 (0 = greedy), got ${temperature}`);
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    throw new ValueError(op, `topK must be a positive integer, got ${topK}`);
  }
  if (!(topP > 0 && topP <= 1)) throw new ValueError(op, `topP must be in (0, 1], got ${topP}`);
}

/**
 * Picks a token id from one row of logits: greedy at temperature 0; otherwise
 * softmax(logits / temperature) restricted to the `topK` most likely tokens and then to the
 * smallest set whose probability reaches `topP` (renormalised), sampled with `generator`.
 * Ties are broken by the lower id, so a seeded generator gives the same token everywhere.
 *
 * @example
 * sampleToken([2, 1, 0.1], { temperature: 0 }, gen);             // 0
 * sampleToken(logits, { temperature: 0.8, topK: 40, topP: 0.95 }, new Generator(7));
 */
export function sampleToken(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  generator: Generator,
): number {
  checkSampling(options, 'sampleToken');
  const { temperature = 1, topK, topP = 1 } = options;
  const V = logits.length;
  if (V === 0) throw new ValueError('sampleToken', 'no logits');
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const k = Math.min(topK ?? V, V);
  const max = logits[order[0]!]!;
  const probs: number[] = [];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[order[i]!]! - max) / temperature);
    probs.push(p);
    sum += p;
  }
  // nucleus: keep the head whose mass reaches topP (at least one token)
  let kept = probs.length;
  if (topP < 1) {
    let acc = 0;
    for (let i = 0; i < probs.length; i++) {
      acc += probs[i]! / sum;
      if (acc >= topP) {
        kept = i + 1;
        break;
      }
    }
  }
  let mass = 0;
  for (let i = 0; i < kept; i++) mass += probs[i]!;
  let u = generator.nextFloat() * mass;
  for (let i = 0; i < kept; i++) {
    u -= probs[i]!;
    if (u < 0) return order[i]!;
  }
  return order[kept - 1]!;
}
