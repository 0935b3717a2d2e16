import type { ConvGeometry, StridedView, WindowGeometry } from '@mlblocks/core-tensor';
import { Allocator } from '../engine/allocator.js';
import type { Heap } from '../engine/heap.js';
import type { KernelExports } from '../engine/module.js';
import { addressOf } from '../storage.js';
import type { Gemm, GemmCall } from './gemm.js';

/** int32 fields of a window descriptor (assembly/window.ts). */
const DESCRIPTOR_INTS = 14;

/** Where one image sits and how a window moves over it, as the packing kernels read it. */
interface Window {
  /** Byte address of the image's first channel. */
  image: number;
  channels: number;
  /** Height and width of the image. */
  size: readonly [number, number];
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  /** Height and width of the column space (output positions; input positions for a strided adjoint). */
  columns: readonly [number, number];
}

/**
 * Convolution and max pooling on the wasm kernels, float32, NCHW, contiguous operands. Each
 * convolution product is one sgemm call per image and group whose B operand is packed straight
 * from the image (implicit GEMM, see assembly/window.ts): no im2col matrix is ever materialised,
 * and the calls run on the matrix product's threads.
 */
export class WindowKernels {
  constructor(
    private readonly heap: Heap,
    private readonly kernels: KernelExports,
    private readonly gemm: Gemm,
  ) {}

  /** out `[N, Co, Ho, Wo]` = conv(x, w). */
  conv2d(x: StridedView, w: StridedView, g: ConvGeometry, out: number): void {
    const s = sizes(g);
    this.withWindows(
      g.batch * g.groups,
      (i) => this.inputWindow(x, g, i),
      (descriptors) => {
        const calls: GemmCall[] = [];
        for (let n = 0, i = 0; n < g.batch; n++)
          for (let k = 0; k < g.groups; k++, i++)
            calls.push(
              call(
                s.cout,
                s.positions,
                s.taps,
                addressOf(w) + k * s.cout * s.taps * 4,
                s.taps,
                'im2col',
                descriptors[i]!,
                {
                  c: out + (n * g.outChannels + k * s.cout) * s.positions * 4,
                  ldc: s.positions,
                },
              ),
            );
        this.gemm.run(calls, false);
      },
    );
  }

  /** out `[Co, C/groups, kh, kw]` = Σ over images of dy · im2col(x)ᵀ. */
  conv2dWeightGrad(x: StridedView, dy: StridedView, g: ConvGeometry, out: number): void {
    const s = sizes(g);
    this.withWindows(
      g.batch * g.groups,
      (i) => this.inputWindow(x, g, i),
      (descriptors) => {
        const calls: GemmCall[] = [];
        for (let k = 0; k < g.groups; k++)
          for (let n = 0; n < g.batch; n++) {
            const a = addressOf(dy) + (n * g.outChannels + k * s.cout) * s.positions * 4;
            calls.push(
              call(s.cout, s.taps, s.positions, a, s.positions, 'im2colT', descriptors[n * g.groups + k]!, {
                c: out + k * s.cout * s.taps * 4,
                ldc: s.taps,
                accumulate: n > 0,
              }),
            );
          }
        this.gemm.run(calls, true); // every image adds into the same weight gradient
      },
    );
  }

  /**
   * out `[N, C, H, W]` = the convolution's adjoint applied to dy. With stride 1 that is a forward
   * convolution of dy, padded by d·(k − 1) − p, with the flipped, transposed filters; otherwise
   * the packing gathers dy back onto input positions where the stride divides exactly.
   */
  conv2dInputGrad(dy: StridedView, w: StridedView, g: ConvGeometry, out: number): void {
    const s = sizes(g);
    const flipped = g.padding.map((p, a) => g.dilation[a]! * (g.kernel[a]! - 1) - p) as [number, number];
    const asConvolution = g.stride[0] === 1 && g.stride[1] === 1 && flipped[0] >= 0 && flipped[1] >= 0;
    const bytes = Allocator.sizeClass(g.groups * s.cin * s.cout * s.kernelTaps * 4);
    const weights = this.heap.allocator.alloc(bytes);
    try {
      this.kernels.conv_weights_t(addressOf(w), weights, g.groups, s.cout, s.cin, ...g.kernel, asConvolution);
      const gradientWindow = (i: number): Window => ({
        image: addressOf(dy) + i * s.cout * s.positions * 4,
        channels: s.cout,
        size: g.output,
        kernel: g.kernel,
        stride: asConvolution ? [1, 1] : g.stride,
        padding: asConvolution ? flipped : g.padding,
        dilation: g.dilation,
        columns: g.input,
      });
      this.withWindows(g.batch * g.groups, gradientWindow, (descriptors) => {
        const calls: GemmCall[] = [];
        const k = s.cout * s.kernelTaps;
        for (let n = 0, i = 0; n < g.batch; n++)
          for (let grp = 0; grp < g.groups; grp++, i++)
            calls.push(
              call(
                s.cin,
                s.plane,
                k,
                weights + grp * s.cin * k * 4,
                k,
                asConvolution ? 'im2col' : 'dgrad',
                descriptors[i]!,
                {
                  c: out + (n * g.inChannels + grp * s.cin) * s.plane * 4,
                  ldc: s.plane,
                },
              ),
            );
        this.gemm.run(calls, false);
      });
    } finally {
      this.heap.allocator.free(weights, bytes);
    }
  }

  /** values and indices `[P, Ho, Wo]` of max pooling `[P, H, W]` planes. */
  maxPool2d(x: StridedView, g: WindowGeometry, planes: number, values: number, indices: number): void {
    const window: Window = { image: addressOf(x), channels: planes, size: g.input, columns: g.output, ...g };
    this.withWindows(
      1,
      () => window,
      ([descriptor]) => {
        this.kernels.max_pool_f32(planes, descriptor!, addressOf(x), values, indices);
      },
    );
  }

  /** The window over image `i` (image n, group k at i = n·groups + k) of a convolution's input. */
  private inputWindow(x: StridedView, g: ConvGeometry, i: number): Window {
    const s = sizes(g);
    return {
      image: addressOf(x) + i * s.cin * s.plane * 4,
      channels: s.cin,
      size: g.input,
      columns: g.output,
      ...g,
    };
  }

  /** Writes `count` window descriptors into a temporary block and runs `f` with their addresses. */
  private withWindows(
    count: number,
    window: (i: number) => Window,
    f: (descriptors: number[]) => void,
  ): void {
    const bytes = Allocator.sizeClass(count * DESCRIPTOR_INTS * 4);
    const block = this.heap.allocator.alloc(bytes);
    try {
      const addresses: number[] = [];
      const i32 = this.heap.i32;
      for (let i = 0; i < count; i++) {
        const at = block + i * DESCRIPTOR_INTS * 4;
        const w = window(i);
        i32.set(
          [
            w.image,
            w.channels,
            ...w.size,
            ...w.kernel,
            ...w.stride,
            ...w.padding,
            ...w.dilation,
            ...w.columns,
          ],
          at >> 2,
        );
        addresses.push(at);
      }
      f(addresses);
    } finally {
      this.heap.allocator.free(block, bytes);
    }
  }
}

/** The sizes of one group's products. */
function sizes(g: ConvGeometry) {
  const kernelTaps = g.kernel[0] * g.kernel[1];
  const cin = g.inChannels / g.groups;
  return {
    cin,
    cout: g.outChannels / g.groups,
    kernelTaps,
    taps: cin * kernelTaps,
    positions: g.output[0] * g.output[1],
    plane: g.input[0] * g.input[1],
  };
}

/** An sgemm call with a contiguous A (row stride `ars`) and a window descriptor as B. */
function call(
  M: number,
  N: number,
  K: number,
  a: number,
  ars: number,
  bKind: GemmCall['bKind'],
  b: number,
  out: { c: number; ldc: number; accumulate?: boolean },
): GemmCall {
  return {
    M,
    N,
    K,
    a,
    ars,
    acs: 1,
    bKind,
    b,
    brs: 0,
    bcs: 0,
    c: out.c,
    ldc: out.ldc,
    accumulate: out.accumulate ?? false,
    bCol0: 0,
  };
}
