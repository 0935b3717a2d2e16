// Checkpoints under hostile input (issue #15): mutated safetensors files are parsed and checked
// against an independent reference reading of the spec (zero wrong accepts, zero crashes, no
// valid file refused), then loaded into a model, which must end up either fully loaded or
// untouched (finding 2: a rejected state dict used to overwrite the parameters before it);
// absurd shapes of empty tensors are refused (finding 10).
import { tensor } from '@mlblocks/autograd';
import {
  DTypeError,
  fromArray,
  Generator,
  MlBlocksError,
  type NDArray,
  ShapeError,
  zeros,
} from '@mlblocks/core-tensor';
import { fuzzParams, Tally } from '@mlblocks/fuzz-kit';
import {
  CheckpointFormatError,
  deserializeSafetensors,
  Linear,
  Module,
  StateDictError,
  serializeSafetensors,
} from '@mlblocks/nn-layers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// A model with every dtype among its state: float32 parameters, float64/int32/bool buffers.
class Net extends Module {
  lin: Linear;
  scale: NDArray;
  steps: NDArray;
  mask: NDArray;
  constructor(seed: number) {
    super();
    this.lin = new Linear(3, 2, { generator: new Generator(seed) });
    this.scale = fromArray([seed, -seed], { dtype: 'float64' });
    this.steps = fromArray(seed, { dtype: 'int32' });
    this.mask = fromArray([seed % 2 === 0, true, false]);
  }
  forward() {
    return null;
  }
}

const snapshot = (m: Module) =>
  [...m.stateDict()].map(([k, v]) => [k, v.dtype, Array.from(v.dataSync())] as const);

const TYPED = (e: unknown) =>
  e instanceof CheckpointFormatError ||
  e instanceof StateDictError ||
  e instanceof ShapeError ||
  e instanceof DTypeError;

describe('loadStateDict is all or nothing (finding 2)', () => {
  it('a later entry of the wrong dtype is refused before anything is written, naming the key', () => {
    const model = new Net(1);
    const before = snapshot(model);
    const state = new Net(2).stateDict(); // lin.weight, lin.bias, scale, steps, mask: all different values
    state.set('steps', fromArray(3.5, { dtype: 'float64' })); // comes after lin.* and scale
    const call = () => model.loadStateDict(state);
    expect(call).toThrow(DTypeError);
    expect(call).toThrow(
      /loadStateDict: Net\.steps: checkpoint has dtype float64 but the model's int32 array cannot hold it without loss/,
    );
    expect(snapshot(model)).toEqual(before);
  });

  it('float64 into float32 parameters, and int32 into float32, are refused the same way', () => {
    const model = new Net(1);
    const before = snapshot(model);
    for (const [key, value] of [
      ['lin.bias', fromArray([1, 2], { dtype: 'float64' })],
      ['lin.bias', fromArray([1, 2], { dtype: 'int32' })],
    ] as const) {
      const state = new Net(2).stateDict();
      state.set(key, value);
      expect(() => model.loadStateDict(state)).toThrow(/Net\.lin\.bias: checkpoint has dtype/);
      expect(snapshot(model)).toEqual(before);
    }
  });

  it('disposed arrays and non-arrays in the state dict are StateDictErrors naming the key', () => {
    const model = new Net(1);
    const before = snapshot(model);
    const state = new Net(2).stateDict();
    const gone = zeros([2]);
    gone.dispose();
    state.set('lin.bias', gone);
    expect(() => model.loadStateDict(state)).toThrow(/Net\.lin\.bias: the state dict's array was disposed/);
    state.set('lin.bias', [1, 2] as unknown as NDArray);
    expect(() => model.loadStateDict(state)).toThrow(StateDictError);
    expect(snapshot(model)).toEqual(before);
  });

  it('a valid state dict (uint8 into int32: lossless) loads whole', () => {
    const model = new Net(1);
    const state = new Net(2).stateDict();
    state.set('steps', fromArray(new Uint8Array([9]), { shape: [] }));
    model.loadStateDict(state);
    expect(model.steps.item()).toBe(9);
    expect(model.lin.weight.array.toArraySync()).toEqual(new Net(2).lin.weight.array.toArraySync());
  });
});

describe('safetensors: absurd shapes of empty tensors (finding 10)', () => {
  const file = (shape: unknown) => {
    const header = new TextEncoder().encode(
      JSON.stringify({ t: { dtype: 'F32', shape, data_offsets: [0, 0] } }),
    );
    const out = new Uint8Array(8 + header.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
    out.set(header, 8);
    return out;
  };
  it.each([[[0, 1e300]], [[2 ** 60, 0]], [[0, 2 ** 40, 2 ** 40]]])('shape %j is refused', (shape) => {
    expect(() => deserializeSafetensors(file(shape))).toThrow(CheckpointFormatError);
    expect(() => deserializeSafetensors(file(shape))).toThrow(/tensor 't'/);
  });
  it('ordinary empty tensors still load', () => {
    expect(deserializeSafetensors(file([0, 3])).tensors.get('t')!.shape).toEqual([0, 3]);
    expect(deserializeSafetensors(file([2 ** 20, 0])).tensors.get('t')!.shape).toEqual([2 ** 20, 0]);
  });
});

// ── An independent reading of the spec, used as the oracle ──────────────────────────────────

const SIZES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, BOOL: 1 };
const AS: Record<string, string> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  I64: 'int32',
  I32: 'int32',
  U8: 'uint8',
  BOOL: 'bool',
};

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const f = h & 1023;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The tensors a valid file holds ({dtype, shape, values}) by name, or null when the file is invalid. */
function reference(
  bytes: Uint8Array,
): Map<string, { dtype: string; shape: number[]; values: number[] }> | null {
  if (bytes.length < 8) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8) || n > 100n * 1024n * 1024n) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const start = 8 + Number(n);
  const out = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  const spans: [number, number][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) return null;
      if (!Object.values(info).every((v) => typeof v === 'string')) return null;
      continue;
    }
    if (typeof info !== 'object' || info === null) return null;
    const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in SIZES)) return null;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
    if (shape.filter((d) => d > 0).reduce((a: number, b: number) => a * b, 1) > 2 ** 32) return null;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((v) => Number.isSafeInteger(v) && v >= 0))
      return null;
    const [b, e] = off as [number, number];
    const count = shape.reduce((a: number, d: number) => a * d, 1);
    if (e < b || e - b !== count * SIZES[dtype]!) return null;
    spans.push([b, e]);
    if (start + e > bytes.length) return null;
    const raw = new DataView(bytes.buffer, bytes.byteOffset + start + b, e - b);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = i * SIZES[dtype]!;
      if (dtype === 'F64') values.push(raw.getFloat64(at, true));
      else if (dtype === 'F32') values.push(raw.getFloat32(at, true));
      else if (dtype === 'F16') values.push(Math.fround(half(raw.getUint16(at, true))));
      else if (dtype === 'BF16')
        values.push(new Float32Array(new Uint32Array([raw.getUint16(at, true) << 16]).buffer)[0]!);
      else if (dtype === 'I32') values.push(raw.getInt32(at, true));
      else if (dtype === 'U8') values.push(raw.getUint8(at));
      else if (dtype === 'BOOL') values.push(raw.getUint8(at) ? 1 : 0);
      else {
        const v = raw.getBigInt64(at, true);
        if (v > 2147483647n || v < -2147483648n) return null;
        values.push(Number(v));
      }
    }
    out.set(name, { dtype: AS[dtype]!, shape: shape as number[], values });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [b, e] of spans) {
    if (b !== expected) return null;
    expected = e;
  }
  return expected === bytes.length - start ? out : null;
}

const sameValues = (a: ArrayLike<number>, b: readonly number[]) =>
  a.length === b.length &&
  b.every((v, i) => Object.is(Number(a[i]), v) || (Number.isNaN(a[i]!) && Number.isNaN(v)));

// ── Mutations of a valid checkpoint ─────────────────────────────────────────────────────────

function encode(header: Record<string, unknown>, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function split(bytes: Uint8Array): { header: Record<string, Record<string, unknown>>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))),
    data: bytes.slice(8 + n),
  };
}

// Re-encodes one tensor in another dtype (a valid file whose dtype no longer matches the model).
function retype(bytes: Uint8Array, name: string, code: string, values: number[]): Uint8Array {
  const { header } = split(bytes);
  const tensors = [...Object.entries(header)].filter(([k]) => k !== '__metadata__');
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const full = split(bytes).data;
  for (const [k, info] of tensors.sort(
    (a, b) => (a[1].data_offsets as number[])[0]! - (b[1].data_offsets as number[])[0]!,
  )) {
    let chunk: Uint8Array;
    if (k === name) {
      const size = SIZES[code]!;
      chunk = new Uint8Array(values.length * size);
      const dv = new DataView(chunk.buffer);
      values.forEach((v, i) => {
        if (code === 'F64') dv.setFloat64(i * 8, v, true);
        else if (code === 'I32') dv.setInt32(i * 4, v, true);
        else if (code === 'I64') dv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true);
        else if (code === 'U8' || code === 'BOOL') dv.setUint8(i, Math.abs(Math.trunc(v)) % 2);
        else if (code === 'BF16' || code === 'F16') dv.setUint16(i * 2, 0x3c00, true);
        else dv.setFloat32(i * 4, v, true);
      });
      info.dtype = code;
    } else {
      const [b, e] = info.data_offsets as [number, number];
      chunk = full.slice(b, e);
    }
    info.data_offsets = [offset, offset + chunk.length];
    offset += chunk.length;
    chunks.push(chunk);
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return encode(header, data);
}

const KEYS = ['lin.weight', 'lin.bias', 'scale', 'steps', 'mask'];
const CODES = Object.keys(SIZES);

const mutation = fc.oneof(
  // bytes: flips, truncation, extension
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ kind: fc.constant('length' as const), n: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  // header: a field of one entry replaced
  fc.record({
    kind: fc.constant('field' as const),
    key: fc.constantFrom(...KEYS),
    field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
    value: fc.oneof(
      fc.constantFrom(...CODES, 'Q8', 'f32', ''),
      fc.array(
        fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom(0, 1e300, 2 ** 60, 2 ** 53, 0.5, -0)),
        { maxLength: 4 },
      ),
      fc.tuple(fc.integer({ min: -4, max: 80 }), fc.integer({ min: -4, max: 80 })),
      fc.anything(),
    ),
  }),
  // header: an entry dropped, renamed, or a stray one added; metadata replaced
  fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({
    kind: fc.constant('rename' as const),
    key: fc.constantFrom(...KEYS),
    to: fc.string({ maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('metadata' as const), value: fc.anything() }),
  // a valid file whose tensor has another dtype (or values) than the model's
  fc.record({
    kind: fc.constant('retype' as const),
    key: fc.constantFrom(...KEYS),
    code: fc.constantFrom(...CODES),
  }),
);

function mutate(base: Uint8Array, m: Record<string, unknown>): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = base.slice();
      for (const [at, v] of m.at as [number, number][]) out[at % out.length] = v;
      return out;
    }
    case 'truncate':
      return base.slice(0, (m.keep as number) % base.length);
    case 'append': {
      const out = new Uint8Array(base.length + (m.extra as Uint8Array).length);
      out.set(base);
      out.set(m.extra as Uint8Array, base.length);
      return out;
    }
    case 'length': {
      const out = base.slice();
      new DataView(out.buffer).setBigUint64(0, m.n as bigint, true);
      return out;
    }
    case 'retype': {
      const { header, data } = split(base);
      const info = header[m.key as string]!;
      const count = (info.shape as number[]).reduce((a, b) => a * b, 1);
      const [b] = info.data_offsets as [number, number];
      const dv = new DataView(data.buffer, b);
      const values = Array.from({ length: count }, (_, i) =>
        info.dtype === 'F64'
          ? dv.getFloat64(i * 8, true)
          : info.dtype === 'F32'
            ? dv.getFloat32(i * 4, true)
            : info.dtype === 'I32'
              ? dv.getInt32(i * 4, true)
              : dv.getUint8(i),
      );
      return retype(base, m.key as string, m.code as string, values);
    }
    default: {
      const { header, data } = split(base);
      if (m.kind === 'field') header[m.key as string]![m.field as string] = m.value;
      else if (m.kind === 'drop') delete header[m.key as string];
      else if (m.kind === 'rename') {
        header[m.to as string] = header[m.key as string]!;
        if (m.to !== m.key) delete header[m.key as string];
      } else header.__metadata__ = m.value as Record<string, unknown>;
      let out: Uint8Array;
      try {
        out = encode(header, data);
      } catch {
        return base.slice(0, 3); // a value JSON cannot hold (a BigInt): stands for garbage
      }
      return out;
    }
  }
}

describe('fuzzed checkpoints', () => {
  const parse = new Tally('safetensors parser (mutated checkpoints)');
  const load = new Tally('loadStateDict of parsed checkpoints (all or nothing)');

  it('every mutated file is parsed exactly as the spec says or refused with a CheckpointFormatError; loads are all or nothing', () => {
    const source = new Net(7);
    const base = serializeSafetensors(source.stateDict(), { epoch: '3' });
    fc.assert(
      fc.property(mutation, (m) => {
        const bytes = mutate(base, m as Record<string, unknown>);
        const want = reference(bytes);
        let content: ReturnType<typeof deserializeSafetensors> | undefined;
        parse.run(
          () => (content = deserializeSafetensors(bytes)),
          (e) => {
            if (!(e instanceof CheckpointFormatError)) return false;
            if (want !== null) throw new Error(`a valid file was refused: ${(e as Error).message}`);
            return true;
          },
          (got) =>
            want !== null &&
            got.tensors.size === want.size &&
            [...want].every(([name, t]) => {
              const a = got.tensors.get(name);
              return (
                a !== undefined &&
                a.dtype === t.dtype &&
                a.shape.join() === t.shape.join() &&
                sameValues(a.dataSync(), t.values)
              );
            }),
        );
        if (content === undefined) return;
        const model = new Net(1);
        const before = snapshot(model);
        let refused = false;
        load.run(
          () => model.loadStateDict(content!.tensors),
          (e) => {
            if (!TYPED(e)) return false;
            refused = true;
            return true;
          },
          () => {
            // loaded: every value is the file's, in the model's dtype
            for (const [key, array] of model.stateDict()) {
              const from = content!.tensors.get(key)!;
              if (!sameValues(array.dataSync(), Array.from(from.cast(array.dtype).dataSync()))) return false;
            }
            return true;
          },
        );
        if (refused) expect(snapshot(model)).toEqual(before); // nothing written
        for (const t of content.tensors.values()) t.dispose();
      }),
      fuzzParams(700),
    );
    expect(parse.tried).toBeGreaterThan(0);
  });

  it('the errors are typed MlBlocksErrors whose message starts with the op', () => {
    const e = (() => {
      try {
        deserializeSafetensors(new Uint8Array([1, 2, 3]));
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(MlBlocksError);
    expect((e as Error).message).toMatch(/^loadSafetensors: /);
  });

  it('tensor() of a loaded parameter keeps working (the model is usable after a refused load)', () => {
    const model = new Net(1);
    const state = new Net(2).stateDict();
    state.set('mask', fromArray([1, 2, 3], { dtype: 'float64' }));
    expect(() => model.loadStateDict(state)).toThrow();
    const y = model.lin.forward(tensor([[1, 2, 3]]));
    expect(y.shape).toEqual([1, 2]);
  });
});
