/**
 * Shows a waited-for run's progress: a redrawn bar with percentage and phase
 * on a terminal, or one plain line per change of status or phase (and every
 * 10%) otherwise, so logs stay short.
 */
import type { RunStatus } from './wait.js';

/** Where progress goes (stderr, normally). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Draws progress; `finish` ends the bar's line. */
export interface ProgressView {
  update(status: RunStatus): void;
  finish(): void;
}

/**
 * @param progress - 0–100
 * @param width - bar cells
 * @returns `[#####-----]`
 */
export function bar(progress: number, width: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, progress)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * @param label - what runs (`backup exec_…`)
 * @param stream - the output
 * @param tty - draw a bar (default: whether the stream is a terminal)
 */
export function progressView(label: string, stream: ProgressStream, tty: boolean = stream.isTTY === true): ProgressView {
  let drawn = false;
  let lastLine = '';
  let lastDecile = -1;
  return {
    update(s) {
      const phase = s.phase && s.phase !== s.status ? ` ${s.phase}` : '';
      if (tty) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
        stream.write(`\r${label} ${bar(s.progress, width)} ${String(Math.round(s.progress)).padStart(3)}% ${s.status}${phase}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = Math.floor(s.progress / 10);
      const line = `${s.status}${phase}`;
      if (line === lastLine && decile === lastDecile) return;
      lastLine = line;
      lastDecile = decile;
      stream.write(`${label}: ${s.status}${phase} ${Math.round(s.progress)}%\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
