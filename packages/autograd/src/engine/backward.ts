import {
  checkOptions,
  keep,
  type NDArray,
  type OptionNames,
  onesLike,
  ShapeError,
  tidy,
} from '@mlblocks/core-tensor';
import { AutogradError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { GradientBuffers } from './gradient-buffers.js';
import type { Node } from './node.js';
import { PartialGradient } from './partial-gradient.js';
import { unbroadcast } from './unbroadcast.js';

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the saved arrays so the graph can be backpropagated again (default false: freed). */
  retainGraph?: boolean;
}

const BACKWARD_OPTIONS: OptionNames<BackwardOptions> = { retainGraph: true };

/**
 * Reverse-mode differentiation from `root`: walks the graph in reverse topological order,
 * calls each node's backward once with the sum of the gradients flowing into it, and adds
 * the results into the leaves' `.grad` (accumulating across calls until `zeroGrad()`).
 */
export function runBackward(
  root: Tensor,
  gradient: NDArray | undefined,
  options: BackwardOptions = {},
): void {
  checkOptions('backward', options, BACKWARD_OPTIONS);
  if (!root.requiresGrad) {
    throw new AutogradError(
      'backward',
      `the tensor (shape [${root.shape.join(',')}]) does not require grad and has no graph`,
    );
  }
  let seed = gradient;
  if (seed === undefined) {
    if (root.size !== 1) {
      throw new AutogradError(
        'backward',
        `called on a tensor of shape [${root.shape.join(',')}] without a gradient; backward() needs a scalar (one element) or an explicit gradient of the same shape`,
      );
    }
    seed = onesLike(root.array);
  } else if (seed.rank !== root.rank || seed.shape.some((d, i) => d !== root.shape[i])) {
    throw new ShapeError(
      'backward',
      `gradient shape [${seed.shape.join(',')}] must equal the tensor's shape [${root.shape.join(',')}]`,
    );
  } else {
    seed = seed.ref();
  }
  noGrad(() => {
    if (root.gradFn === null) {
      accumulateLeaf(root, seed!);
      seed!.dispose();
      return;
    }
    const buffers = new GradientBuffers();
    buffers.add(root.gradFn, seed!);
    seed!.dispose();
    try {
      for (const node of topologicalOrder(root.gradFn)) {
        const grad = buffers.take(node);
        if (grad === undefined) continue; // no gradient reached this node
        const inputGrads = tidy(() =>
          node.backward(grad).map((g, i) => {
            const input = node.inputs[i];
            if (!g || !input) return null;
            return g instanceof PartialGradient ? g : unbroadcast(g, input.shape);
          }),
        );
        node.inputs.forEach((input, i) => {
          const g = inputGrads[i];
          if (!input || !g) return;
          const key = input.gradFn ?? input; // leaves are keyed by themselves
          if (g instanceof PartialGradient) buffers.addPartial(key, input, g);
          else buffers.add(key, g);
        });
        // backward may hand back `grad` itself (add does), so free it only now
        for (const g of inputGrads) g?.dispose();
        grad.dispose();
        if (!options.retainGraph) node.release();
      }
      for (const key of buffers.keys()) {
        if (!(key instanceof Tensor)) continue;
        const g = buffers.take(key)!;
        accumulateLeaf(key, g);
        g.dispose();
      }
    } finally {
      buffers.dispose();
    }
  });
}

// `.grad` is owned by the leaf: kept out of any enclosing scope, replaced (not mutated) on
// accumulation, and never sharing storage with another array — a backward may hand the same
// gradient to several inputs (add does), and the seed is the caller's array: those are copied.
// A gradient whose storage nothing else references is taken over instead (one copy less per
// parameter and step).
function accumulateLeaf(leaf: Tensor, g: NDArray): void {
  const next = leaf.grad ? leaf.grad.array.add(g) : g.ownsStorage ? g.ref() : g.clone();
  leaf.grad?.dispose();
  leaf.grad = new Tensor(keep(next));
  keep(leaf.grad);
}

/** Nodes reachable from `root`, each after every node that feeds gradient into it. Iterative: no recursion limit. */
export function topologicalOrder(root: Node): Node[] {
  const postOrder: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1]++;
      const child = node.inputs[next]?.gradFn;
      if (child && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      postOrder.push(node);
    }
  }
  return postOrder.reverse();
}
