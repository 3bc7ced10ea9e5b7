/**
 * Shows a waited-for run's progress: a redrawn bar with percentage, phase,
 * rate and time left on a terminal, or one plain line per change of status
 * or phase (and every 10%) otherwise, so logs stay short. The rate is the
 * API's average over the run so far; the time left counts down to its
 * estimated completion.
 */
import { formatBytes } from '../output.js';
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
 * @param ms - a duration
 * @returns `2h 5m`, `3m 20s`, `45s` (never below 0s)
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/**
 * @param s - a status read
 * @param now - the time of the drawing (ms)
 * @returns `, 1.5 MiB/s, ETA 3m 20s` (each part when known), or empty
 */
export function speedText(s: Pick<RunStatus, 'rate' | 'eta'>, now: number): string {
  const parts = [s.rate === undefined ? '' : `${formatBytes(s.rate)}/s`, s.eta === undefined ? '' : `ETA ${formatDuration(Date.parse(s.eta) - now)}`].filter(Boolean);
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

/**
 * @param label - what runs (`backup exec_…`)
 * @param stream - the output
 * @param tty - draw a bar (default: whether the stream is a terminal)
 * @param now - the clock the time left counts from
 */
export function progressView(label: string, stream: ProgressStream, tty: boolean = stream.isTTY === true, now: () => number = Date.now): ProgressView {
  let drawn = false;
  let lastLine = '';
  let lastDecile = -1;
  return {
    update(s) {
      const phase = s.phase && s.phase !== s.status ? ` ${s.phase}` : '';
      const speed = speedText(s, now());
      if (tty) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30 - speed.length));
        stream.write(`\r${label} ${bar(s.progress, width)} ${String(Math.round(s.progress)).padStart(3)}% ${s.status}${phase}${speed}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = Math.floor(s.progress / 10);
      const line = `${s.status}${phase}`;
      if (line === lastLine && decile === lastDecile) return;
      lastLine = line;
      lastDecile = decile;
      stream.write(`${label}: ${s.status}${phase} ${Math.round(s.progress)}%${speed}\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
