import { SingleBar } from 'cli-progress';
import type { SaveProgress } from '../download/save-snapshot-file.js';
import { line } from './cli-io.js';

const MiB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

/** Shows save progress: a bar on a terminal, a plain line at most every `lineIntervalMs` otherwise. */
export interface ProgressReporter {
  update(progress: SaveProgress): void;
  stop(): void;
}

/**
 * A progress reporter on `stream`: cli-progress's bar when it is a TTY, otherwise plain
 * lines (for logs and CI), at most one per `lineIntervalMs` (default 1000) plus the last.
 * The rate is the save's `bytesPerSecond`, the aggregate of all its connections, followed by
 * how many connections the bytes come over (`(4 connections)`; `(1 connection)` for one stream).
 */
export function createProgressReporter(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string, lineIntervalMs = 1000): ProgressReporter {
  const rate = ({ bytesPerSecond, connections }: SaveProgress): string => `${mib(bytesPerSecond)}/s (${connections} connection${connections === 1 ? '' : 's'})`;
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}% | {done} / {size} | {rate}`,
      hideCursor: true,
      barsize: 30,
    });
    let started = false;
    return {
      update(progress) {
        const { bytes, total } = progress;
        const payload = { done: mib(bytes), size: total === undefined ? '?' : mib(total), rate: rate(progress) };
        if (!started) {
          bar.start(total ?? bytes, bytes, payload);
          started = true;
        } else {
          if (total !== undefined) bar.setTotal(total);
          bar.update(bytes, payload);
        }
      },
      stop: () => (started ? bar.stop() : undefined),
    };
  }
  let lastAt = -Infinity;
  let last: SaveProgress | undefined;
  const print = (p: SaveProgress): void => {
    const percent = p.total ? ` (${Math.floor((p.bytes / p.total) * 100)}%)` : '';
    line(stream, `${label} ${mib(p.bytes)}${p.total !== undefined ? ` / ${mib(p.total)}` : ''}${percent} at ${rate(p)}`);
  };
  return {
    update(progress) {
      last = progress;
      const now = performance.now();
      if (now - lastAt < lineIntervalMs && progress.bytes !== progress.total) return;
      lastAt = now;
      print(progress);
      last = undefined;
    },
    stop() {
      if (last) print(last);
    },
  };
}
