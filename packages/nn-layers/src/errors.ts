import { MlBlocksError } from '@mlblocks/core-tensor';

/** A state dict or checkpoint that does not match the model (missing/extra keys, wrong shapes). */
export class StateDictError extends MlBlocksError {}

/** A checkpoint file that is not valid safetensors (truncated, bad header, overlapping data). */
export class CheckpointFormatError extends MlBlocksError {}
