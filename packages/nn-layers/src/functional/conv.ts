import { concat, Tensor } from '@mlblocks/autograd';
import { full } from '@mlblocks/core-tensor';

// Convolution and pooling are autograd ops over the backends' window kernels; they are part of
// the functional API here too.
export { avgPool2d, conv2d, maxPool2d } from '@mlblocks/autograd';

/**
 * Pads the last two axes of `[..., H, W]` with `value` on each side (differentiable: the gradient
 * of the border is dropped).
 */
export function pad2d(x: Tensor, [ph, pw]: [number, number], value = 0): Tensor {
  if (ph === 0 && pw === 0) return x;
  const border = (shape: number[]) =>
    new Tensor(full(shape, value, { dtype: x.dtype, backend: x.array.backend.name }));
  const lead = x.shape.slice(0, -2);
  const [h, w] = x.shape.slice(-2) as [number, number];
  let y = x;
  if (ph > 0) y = concat([border([...lead, ph, w]), y, border([...lead, ph, w])], -2);
  if (pw > 0) y = concat([border([...lead, h + 2 * ph, pw]), y, border([...lead, h + 2 * ph, pw])], -1);
  return y;
}
