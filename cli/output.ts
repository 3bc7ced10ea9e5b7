/** Terminal output helpers shared by CLI commands: tables, sizes, errors. */
import { CommanderError } from 'commander';
import { HavenError } from '../vault/errors.js';
import { ApiClientError, CliError } from './api/errors.js';
import { ExitCode } from './api/exit-codes.js';

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

/** Prints a value as indented JSON on standard output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describeItem(item: unknown): string {
  if (typeof item !== 'object' || item === null) return String(item);
  const { field, issue } = item as { field?: unknown; issue?: unknown };
  return typeof field === 'string' && typeof issue === 'string' ? `${field}: ${issue}` : JSON.stringify(item);
}

/**
 * The `details` of an API error as indented lines: `issues` one per line
 * (`field: issue`), other fields as `key: value` (the first issue's
 * `field`/`issue` copies are left out when `issues` lists them).
 */
export function formatDetails(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  if (typeof details !== 'object') return [`  details: ${String(details)}`];
  const entries = Object.entries(details as Record<string, unknown>);
  const listed = entries.some(([key, value]) => key === 'issues' && Array.isArray(value) && value.length > 0);
  const lines: string[] = [];
  for (const [key, value] of entries) {
    if (listed && (key === 'field' || key === 'issue')) continue;
    if (Array.isArray(value) && value.length > 0) {
      lines.push(`  ${key}:`);
      for (const item of value) lines.push(`    - ${describeItem(item)}`);
    } else lines.push(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  return lines;
}

/**
 * Prints an error for a person (never a stack for expected errors) and
 * returns the exit code (see docs/CLI.md): API errors show the API's
 * `error` code, HTTP status, message and details.
 */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed the usage problem already; help and version exit 0.
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (error instanceof ApiClientError) {
    const lines = [`error: ${error.error} (HTTP ${error.status}): ${error.message}`, `  request: ${error.request}`, ...formatDetails(error.details)];
    if (error.error === 'route_not_found') lines.push('  this API has no such route: is the deployment older than this CLI?');
    process.stderr.write(`${lines.join('\n')}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof HavenError) {
    process.stderr.write(`error: ${error.name} (${error.code}): ${error.message}\n`);
    return ExitCode.Failure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`error: ${message}\n`);
  return ExitCode.Failure;
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
