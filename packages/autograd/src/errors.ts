import { MlBlocksError } from '@mlblocks/core-tensor';

/**
 * Misuse of the autograd engine: backward() on a non-scalar without a gradient, a second
 * backward through a freed graph, or a saved array that was modified in place.
 */
export class AutogradError extends MlBlocksError {}
