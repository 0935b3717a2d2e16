import { noGrad, type Tensor } from '@mlblocks/autograd';
import { BackendError, fromArray, type NDArray, tidy, ValueError } from '@mlblocks/core-tensor';
import type { DecoderState, EncoderMemory, Seq2Seq } from './model.js';

/** A decoded target sequence. */
export interface Decoded {
  /** Target ids, without `bos` and `eos`. */
  tokens: number[];
  /** Sum of the log-probabilities of the tokens and of the final `eos` (if emitted). */
  logProb: number;
  /** Whether the decoder emitted `eos` (false: it was stopped at `maxLength`). */
  finished: boolean;
  /** Per output step (tokens, then `eos` if emitted), the attention weights over the source; [] without attention. */
  attention: Float32Array[];
}

/** Options of `greedyDecode` and `beamSearch`. */
export interface DecodeOptions {
  /** The real length of each source (default: all of `src`'s columns). */
  srcLengths?: readonly number[];
  /**
   * The most tokens one output may have (eos not counted): a decoder that never emits `eos` stops
   * here. Default `2·S + 10` for a source of S tokens.
   */
  maxLength?: number;
}

/** Options of `beamSearch`. */
export interface BeamOptions extends DecodeOptions {
  /** Hypotheses kept at each step. Default 5. */
  beamWidth?: number;
  /**
   * Ranks finished hypotheses by `logProb / length^α` (GNMT-style length normalisation with
   * length = tokens + 1); 0 ranks by the plain log-probability. Default 0.
   */
  lengthPenalty?: number;
}

function maxLengthOf(options: DecodeOptions, steps: number): number {
  const n = options.maxLength ?? 2 * steps + 10;
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError('decode', `maxLength must be a positive integer, got ${n}`);
  return n;
}

function checkReadable(op: string, src: NDArray): void {
  if (!src.backend.readSync) {
    throw new BackendError(
      op,
      `decoding reads each step's scores back, which '${src.backend.name}' cannot do synchronously; decode on 'wasm' or 'cpu' (model.to('wasm'))`,
    );
  }
}

function logSoftmaxRows(logits: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r * cols + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[r * cols + c]! - max);
    const log = max + Math.log(sum);
    for (let c = 0; c < cols; c++) out[r * cols + c] = logits[r * cols + c]! - log;
  }
  return out;
}

/**
 * Greedy decoding: from `bos`, feed back the most likely token at each step until `eos` or
 * `maxLength` tokens, for every source of the batch at once (int32 `[B, S]`). Runs without
 * recording gradients; needs a backend that reads back synchronously (CPU, WebAssembly).
 *
 * @example
 * const [best] = greedyDecode(model, src);   // src [1, S]
 * best.tokens.map((id) => phonemes[id]);
 */
export function greedyDecode(model: Seq2Seq, src: NDArray, options: DecodeOptions = {}): Decoded[] {
  checkReadable('greedyDecode', src);
  const steps = src.shape[1] ?? 0;
  const maxLength = maxLengthOf(options, steps);
  const { bos, eos, tgtVocabSize: V } = model.config;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() =>
      tidy(() => {
        const memory = model.encode(src, options.srcLengths);
        const batch = src.shape[0]!;
        const results: (Decoded & { stopped: boolean })[] = Array.from({ length: batch }, () => ({
          tokens: [],
          logProb: 0,
          finished: false,
          stopped: false,
          attention: [],
        }));
        let state = model.initialState(memory);
        let prev = Array.from({ length: batch }, () => bos);
        const lengths = options.srcLengths ?? Array.from({ length: batch }, () => steps);
        for (let t = 0; t <= maxLength && results.some((r) => !r.finished); t++) {
          const r = model.step(memory, fromArray(prev, { dtype: 'int32', backend: src.backend.name }), state);
          state = r.state;
          const logp = logSoftmaxRows(r.logits.dataSync() as Float32Array, batch, V);
          const weights = r.weights ? (r.weights.dataSync() as Float32Array) : null;
          prev = results.map((res, b) => {
            if (res.finished) return eos;
            let best = 0;
            for (let c = 1; c < V; c++) if (logp[b * V + c]! > logp[b * V + best]!) best = c;
            // NOTE: after maxLength tokens only eos may follow; otherwise the output stops unfinished
            if (t === maxLength && best !== eos) {
              res.finished = true;
              res.stopped = true;
              return eos;
            }
            res.logProb += logp[b * V + best]!;
            if (weights) res.attention.push(weights.slice(b * steps, b * steps + lengths[b]!));
            if (best === eos) res.finished = true;
            else res.tokens.push(best);
            return best;
          });
        }
        return results.map(({ tokens, logProb, attention, stopped }) => ({
          tokens,
          logProb,
          finished: !stopped,
          attention,
        }));
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}

interface Hypothesis {
  tokens: number[];
  logProb: number;
  attention: Float32Array[];
}

/**
 * Beam search: keeps the `beamWidth` most likely partial outputs at each step, moves those ending
 * in `eos` aside, and stops when `beamWidth` outputs have finished, when no open hypothesis can
 * beat the best finished one (with `lengthPenalty` 0), or after `maxLength` tokens (then, as in
 * greedy decoding, a hypothesis ends if `eos` is its most likely next token and is returned
 * unfinished otherwise). Returns the finished hypotheses best first, then any unfinished ones. One source
 * at a time: `src` is int32 `[1, S]`. Runs without recording gradients; needs a backend that reads
 * back synchronously (CPU, WebAssembly).
 *
 * @example
 * const [best, second] = beamSearch(model, src, { beamWidth: 5 });
 */
export function beamSearch(model: Seq2Seq, src: NDArray, options: BeamOptions = {}): Decoded[] {
  if (src.rank !== 2 || src.shape[0] !== 1) {
    throw new ValueError(
      'beamSearch',
      `decodes one source at a time: src must be [1, S], got [${src.shape.join(',')}]`,
    );
  }
  checkReadable('beamSearch', src);
  const width = options.beamWidth ?? 5;
  if (!Number.isInteger(width) || width < 1) {
    throw new ValueError('beamSearch', `beamWidth must be a positive integer, got ${width}`);
  }
  const alpha = options.lengthPenalty ?? 0;
  const steps = options.srcLengths?.[0] ?? src.shape[1]!;
  const maxLength = maxLengthOf(options, steps);
  const { bos, eos, tgtVocabSize: V } = model.config;
  const rank = (h: { tokens: number[]; logProb: number; finished: boolean }) =>
    alpha === 0 ? h.logProb : h.logProb / (h.tokens.length + (h.finished ? 1 : 0)) ** alpha;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() =>
      tidy(() => {
        const backend = src.backend.name;
        const base = model.encode(src, options.srcLengths);
        let beams: Hypothesis[] = [{ tokens: [], logProb: 0, attention: [] }];
        let memory: EncoderMemory = base;
        let state: DecoderState = model.initialState(base);
        const done: Decoded[] = [];
        const open: Decoded[] = [];
        for (let t = 0; t <= maxLength && beams.length > 0; t++) {
          const prev = beams.map((h) => (h.tokens.length === 0 ? bos : h.tokens[h.tokens.length - 1]!));
          const r = model.step(memory, fromArray(prev, { dtype: 'int32', backend }), state);
          const logp = logSoftmaxRows(r.logits.dataSync() as Float32Array, beams.length, V);
          const weights = r.weights ? (r.weights.dataSync() as Float32Array) : null;
          const S = src.shape[1]!;
          if (t === maxLength) {
            // NOTE: as greedy: after maxLength tokens a hypothesis ends if eos is its most likely
            // next token, else it stops unfinished
            beams.forEach((h, i) => {
              let best = 0;
              for (let c = 1; c < V; c++) if (logp[i * V + c]! > logp[i * V + best]!) best = c;
              if (best !== eos) {
                open.push({ ...h, finished: false });
                return;
              }
              const attention = weights ? [...h.attention, weights.slice(i * S, i * S + steps)] : h.attention;
              done.push({
                tokens: h.tokens,
                logProb: h.logProb + logp[i * V + eos]!,
                finished: true,
                attention,
              });
            });
            break;
          }
          // every extension of every beam, best first
          const candidates: { beam: number; token: number; logProb: number }[] = [];
          beams.forEach((h, i) => {
            for (let c = 0; c < V; c++)
              candidates.push({ beam: i, token: c, logProb: h.logProb + logp[i * V + c]! });
          });
          candidates.sort((a, b) => b.logProb - a.logProb);
          const next: Hypothesis[] = [];
          const rows: number[] = [];
          for (const cand of candidates) {
            if (next.length >= width || done.length >= width) break;
            const h = beams[cand.beam]!;
            const attention = weights
              ? [...h.attention, weights.slice(cand.beam * S, cand.beam * S + steps)]
              : h.attention;
            if (cand.token === eos) {
              done.push({ tokens: h.tokens, logProb: cand.logProb, finished: true, attention });
            } else {
              next.push({ tokens: [...h.tokens, cand.token], logProb: cand.logProb, attention });
              rows.push(cand.beam);
            }
          }
          if (done.length >= width) break;
          // with plain log-probabilities an open hypothesis only loses probability as it grows
          if (
            alpha === 0 &&
            done.length > 0 &&
            next.every((h) => h.logProb < Math.max(...done.map((d) => d.logProb)))
          )
            break;
          beams = next;
          if (next.length === 0) break;
          const index = fromArray(rows, { dtype: 'int32', backend });
          const pick = (x: Tensor) => x.indexSelect(0, index);
          state = { cell: r.state.cell.map(pick), feed: r.state.feed ? pick(r.state.feed) : null };
          // NOTE: every hypothesis reads the same source: row 0 of the encoder memory, repeated
          const same = fromArray(new Int32Array(rows.length), { dtype: 'int32', backend });
          const repeat = (x: Tensor) => x.indexSelect(0, same);
          memory = {
            values: repeat(base.values),
            keys: base.keys ? repeat(base.keys) : null,
            mask: base.mask ? repeat(base.mask) : null,
            final: base.final,
          };
        }
        const byRank = (a: Decoded, b: Decoded) => rank(b) - rank(a);
        return [...done.sort(byRank), ...open.sort(byRank)];
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
