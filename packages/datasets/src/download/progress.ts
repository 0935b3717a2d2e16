import { SingleBar } from 'cli-progress';

/** Receives download progress: bytes so far and the total (undefined when the server sends none). */
export type ProgressCallback = (received: number, total: number | undefined) => void;

/** Where progress goes: a terminal bar, a callback, or nowhere. */
export interface ProgressSink {
  start(label: string, total: number | undefined, received: number): void;
  update(received: number): void;
  stop(): void;
}

const MB = 1024 * 1024;

/**
 * A progress bar on stderr (cli-progress), shown when `enabled` — by default only when stderr is a
 * terminal, so logs and CI stay clean. `onProgress` is called either way.
 */
export function progressSink(
  enabled: boolean | 'auto',
  onProgress?: ProgressCallback,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressSink {
  const show = enabled === 'auto' ? Boolean(stream.isTTY) : enabled;
  let bar: SingleBar | undefined;
  let total: number | undefined;
  return {
    start(label, size, received) {
      total = size;
      onProgress?.(received, total);
      if (!show) return;
      bar = new SingleBar({
        stream,
        format: `${label} [{bar}] {percentage}% | {mb} / {totalMb} MB`,
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: !stream.isTTY,
        notTTYSchedule: 2000,
      });
      bar.start(size ?? 0, received, {
        mb: (received / MB).toFixed(1),
        totalMb: size ? (size / MB).toFixed(1) : '?',
      });
    },
    update(received) {
      onProgress?.(received, total);
      bar?.update(received, { mb: (received / MB).toFixed(1) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
