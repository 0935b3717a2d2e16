import { Tensor } from '@mlblocks/autograd';
import { ValueError } from '@mlblocks/core-tensor';

/** The hyperparameters every optimizer has: a learning rate. */
export interface OptimizerOptions {
  /** Learning rate η. */
  lr: number;
}

/**
 * A parameter group as the optimizer holds it: the tensors and this group's hyperparameters
 * (the optimizer's defaults, overridden by what the group was given). Change `group.lr` freely
 * between steps; schedulers do.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & {
  /** The tensors this group updates. */
  params: Tensor[];
  /** The learning rate before any scheduler changed it (set by the first scheduler). */
  initialLr?: number;
};

/** A parameter group as given to an optimizer: tensors plus any hyperparameters to override. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & {
  params: Tensor | Iterable<Tensor>;
  initialLr?: number;
};

/**
 * What optimizers accept: tensors (one group with the defaults), e.g. `model.parameters()`, or
 * parameter groups with their own hyperparameters, e.g. `[{ params: body }, { params: head, lr: 0.01 }]`.
 */
export type Params<O extends OptimizerOptions = OptimizerOptions> =
  | Tensor
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/** Splits the constructor's `params` argument into group inputs. */
export function normalizeParams<O extends OptimizerOptions>(
  op: string,
  params: Params<O>,
): ParamGroupInput<O>[] {
  if (params instanceof Tensor) return [{ params: [params] } as unknown as ParamGroupInput<O>];
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new ValueError(
      op,
      'params must be a Tensor, an iterable of Tensors, or an iterable of parameter groups',
    );
  }
  const items: unknown[] = Array.from(params as Iterable<unknown>);
  if (items.length === 0) throw new ValueError(op, 'got an empty parameter list');
  if (items.every((item) => item instanceof Tensor))
    return [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>];
  if (items.every(isGroupInput)) return items as unknown as ParamGroupInput<O>[];
  const bad = items.findIndex((item) => !(item instanceof Tensor) && !isGroupInput(item));
  throw new ValueError(
    op,
    bad >= 0
      ? `params[${bad}] is neither a Tensor nor a parameter group ({ params, ...options })`
      : 'pass either Tensors or parameter groups ({ params, ...options }), not a mix',
  );
}

function isGroupInput(item: unknown): boolean {
  return typeof item === 'object' && item !== null && !(item instanceof Tensor) && 'params' in item;
}

/** The tensors of one group input, checked: leaves, no duplicates. */
export function groupTensors(op: string, where: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : Array.from(params ?? []);
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(op, `${where}: params[${i}] is not a Tensor`);
    if (!p.isLeaf) {
      throw new ValueError(
        op,
        `${where}: params[${i}] (shape [${p.shape.join(',')}]) is not a leaf tensor; optimizers update leaves (weights), not results of ops`,
      );
    }
    if (seen.has(p)) throw new ValueError(op, `${where}: params[${i}] appears twice in the group`);
    seen.add(p);
  });
  return list;
}
