import { SingleBar } from 'cli-progress';

/** Values shown next to the bar. */
export interface ProgressValues {
  loss: number;
  /** Omitted where none is measured. */
  accuracy?: number;
}

/** A training progress bar: one per epoch, updated every step. */
export interface TrainingProgress {
  startEpoch(epoch: number, epochs: number, steps: number): void;
  update(step: number, values: ProgressValues): void;
  stopEpoch(): void;
}

/**
 * A cli-progress bar on stderr showing the running loss and accuracy of the epoch. Shown on a
 * terminal only (`enabled: 'auto'`), so logs, pipes and tests stay clean. `unit` names what one
 * bar counts through (default "epoch"; e.g. "run" for a series of short trainings).
 */
export function trainingProgress(
  enabled: boolean | 'auto' = 'auto',
  stream: NodeJS.WriteStream = process.stderr,
  options: { unit?: string } = {},
): TrainingProgress {
  const unit = options.unit ?? 'epoch';
  const show = enabled === 'auto' ? Boolean(stream.isTTY) : enabled;
  let bar: SingleBar | undefined;
  return {
    startEpoch(epoch, epochs, steps) {
      if (!show) return;
      const width = String(epochs).length;
      bar = new SingleBar({
        stream,
        format: `${unit} ${String(epoch).padStart(width)}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {duration_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: !stream.isTTY,
        notTTYSchedule: 5000,
      });
      bar.start(steps, 0, { loss: '—', acc: '—' });
    },
    update(step, { loss, accuracy }) {
      bar?.update(step, {
        loss: loss.toFixed(4),
        acc: accuracy === undefined ? '—' : `${(accuracy * 100).toFixed(1)}%`,
      });
    },
    stopEpoch() {
      bar?.stop();
      bar = undefined;
    },
  };
}
