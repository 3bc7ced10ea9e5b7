/** Terminal output helpers shared by CLI commands: tables, sizes, errors. */
import { HavenError } from '../engine/errors.js';

/** Formats a byte count with binary units. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Prints an error for a person (name, code, message; never a stack for expected errors) and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof HavenError) {
    process.stderr.write(`error: ${error.name} (${error.code}): ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error: ${message}\n`);
  return 2;
}

/** A one-line progress indicator on stderr (only when stderr is a terminal, unless forced). */
export function progressLine(label: string, force = false): { update(text: string): void; done(text?: string): void } {
  const tty = process.stderr.isTTY || force;
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (!tty || now - last < 100) return;
      last = now;
      process.stderr.write(`\r${label} ${text}\x1b[K`);
    },
    done(text) {
      if (tty) process.stderr.write(`\r${label} ${text ?? 'done'}\x1b[K\n`);
    },
  };
}
