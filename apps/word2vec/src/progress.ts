import type { TrainProgress } from '@mlblocks/word2vec';
import { SingleBar } from 'cli-progress';

/** A training progress bar on stderr: epoch, share done, words/s, the learning rate now. */
export interface TrainingBar {
  update(progress: TrainProgress, epochs: number): void;
  stop(): void;
}

/** Shown on a terminal only (`'auto'`), so logs, pipes and tests stay clean. */
export function trainingBar(
  enabled: boolean | 'auto',
  stream: NodeJS.WriteStream = process.stderr,
): TrainingBar {
  const show = enabled === 'auto' ? Boolean(stream.isTTY) : enabled;
  let bar: SingleBar | undefined;
  return {
    update({ words, totalWords, epoch, lr, seconds }, epochs) {
      if (!show) return;
      if (!bar) {
        bar = new SingleBar({
          stream,
          format:
            'epoch {epoch}/{epochs} [{bar}] {percentage}% | {rate} words/s | lr {lr} | {duration_formatted}',
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: !stream.isTTY,
          notTTYSchedule: 5000,
        });
        bar.start(totalWords, 0, { epoch, epochs, rate: '—', lr: lr.toFixed(5) });
      }
      const rate = seconds > 0 ? Math.round(words / seconds).toLocaleString('en-US') : '—';
      bar.update(words, { epoch, epochs, rate, lr: lr.toFixed(5) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
