import { MlBlocksError } from '@mlblocks/core-tensor';

/**
 * A corpus a language model cannot train or be evaluated on: too short for one BPTT window (or one
 * fixed-window context), or with no tokens at all. The message names the split and its length.
 */
export class CorpusError extends MlBlocksError {}

/**
 * A token that the vocabulary cannot encode: a character outside a character model's alphabet
 * (character vocabularies have no `<unk>`; word vocabularies map unknown words to `<unk>`).
 */
export class UnknownTokenError extends MlBlocksError {
  constructor(
    op: string,
    /** The token that has no id. */
    readonly token: string,
    /** Where it was found (0-based position in the text or token list). */
    readonly position: number,
    vocabularySize: number,
  ) {
    super(
      op,
      `${JSON.stringify(token)} (at position ${position}) is not in the ${vocabularySize}-token vocabulary of this model; a character model knows only the characters of its training text`,
    );
  }
}

/**
 * A checkpoint that does not fit: its config or vocabulary differs from the model's (the message
 * lists each differing field), or its files are missing or malformed.
 */
export class CheckpointMismatchError extends MlBlocksError {}

/**
 * The training loss became NaN or infinite. `step` is the 1-based step whose loss it was; the
 * parameters were not updated with that step's gradients and no checkpoint was written.
 */
export class NonFiniteLossError extends MlBlocksError {
  constructor(
    op: string,
    /** The step (1-based) whose loss was not finite. */
    readonly step: number,
    /** The loss value (NaN or ±Infinity). */
    readonly loss: number,
    /** The learning rate in use at that step. */
    readonly lr: number,
  ) {
    super(
      op,
      `the loss is ${loss} at step ${step} (learning rate ${lr}); training stopped before updating the weights and no checkpoint was written over the last good one — try a lower learning rate (e.g. ${lr / 4}) or a smaller gradient-clipping norm`,
    );
  }
}
