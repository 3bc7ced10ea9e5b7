/**
 * Runs one bench step as a child process under GNU time, measuring its wall
 * time (from spawn to exit, so start-up counts) and its peak resident set
 * size (`%M`: the largest RSS of the process or any descendant it waited for)
 * and CPU time (`%U` + `%S`), which is less sensitive than wall time to other
 * load on the machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** GNU time; the Debian package `time` provides it. */
export const GNU_TIME = '/usr/bin/time';

/** What one measured child run produced. */
export interface MeasuredRun {
  wallSeconds: number;
  /** User plus system CPU time of the process and its children, seconds. */
  cpuSeconds: number;
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/** A failed step, with the child's output for diagnosis. */
export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
}

/** A command to run as one step. */
export interface StepCommand {
  label: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where GNU time writes its figures. */
  rssFile: string;
}

/**
 * Runs a command under `/usr/bin/time -f '%M %U %S' -o rssFile` and waits for it.
 * @throws StepFailedError when it exits non-zero or GNU time reports nothing
 */
export async function runMeasured(step: StepCommand): Promise<MeasuredRun> {
  await rm(step.rssFile, { force: true });
  const started = process.hrtime.bigint();
  const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', step.rssFile, step.command, ...step.args], {
    env: step.env ?? process.env,
    cwd: step.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (code !== 0) throw new StepFailedError(`${step.label} exited with ${String(code)}\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
  const report = existsSync(step.rssFile) ? (await readFile(step.rssFile, 'utf8')).trim().split('\n').pop() : undefined;
  const [kib, user, system] = (report ?? '').split(' ').map(Number);
  if (kib === undefined || user === undefined || system === undefined || ![kib, user, system].every(Number.isFinite)) {
    throw new StepFailedError(`${step.label}: GNU time reported no peak RSS and CPU time (${String(report)})`);
  }
  return { wallSeconds, cpuSeconds: user + system, peakRssMiB: kib / 1024, stdout, stderr };
}

/** Total size in bytes of the regular files under a directory (apparent sizes, recursive). */
export function directoryBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}
