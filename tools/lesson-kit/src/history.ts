/** One row per evaluation point: epoch 0 is the untrained network. */
export interface EpochRecord {
  epoch: number;
  /** Training loss/accuracy measured while training the epoch (null at epoch 0). */
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number;
  testAccuracy: number;
  /** Seconds spent training the epoch (forward, backward, step), without evaluation. */
  trainSeconds: number;
}

/** The learning history of a run. */
export interface History {
  epochs: EpochRecord[];
  /** Loss of every training batch, in order. */
  batchLosses: number[];
  /** Batches per epoch (to place batch losses on the epoch axis). */
  batchesPerEpoch: number;
}

/** Averages of consecutive batch losses, `pointsPerEpoch` per epoch, placed at their mid-epoch. */
export function smoothedBatchLosses(history: History, pointsPerEpoch = 8): { epoch: number; loss: number }[] {
  const { batchLosses, batchesPerEpoch } = history;
  const window = Math.max(1, Math.round(batchesPerEpoch / pointsPerEpoch));
  const out: { epoch: number; loss: number }[] = [];
  for (let start = 0; start < batchLosses.length; start += window) {
    const chunk = batchLosses.slice(start, start + window);
    const mid = start + chunk.length / 2;
    out.push({ epoch: mid / batchesPerEpoch, loss: chunk.reduce((a, b) => a + b, 0) / chunk.length });
  }
  return out;
}

/** The series of a learning-curve plot, from a history. */
export function learningCurvePoints(history: History): {
  loss: { epoch: number; value: number; series: string }[];
  accuracy: { epoch: number; value: number; series: string }[];
} {
  return {
    loss: [
      ...smoothedBatchLosses(history).map(({ epoch, loss }) => ({
        epoch,
        value: loss,
        series: 'train (mini-batches)',
      })),
      ...history.epochs.map((e) => ({ epoch: e.epoch, value: e.testLoss, series: 'test' })),
    ],
    accuracy: [
      ...history.epochs
        .filter((e) => e.trainAccuracy !== null)
        .map((e) => ({ epoch: e.epoch, value: e.trainAccuracy!, series: 'train (during the epoch)' })),
      ...history.epochs.map((e) => ({ epoch: e.epoch, value: e.testAccuracy, series: 'test' })),
    ],
  };
}
