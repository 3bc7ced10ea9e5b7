/** Runs `haven` as a user would: a child process (`tsx cli/haven.ts`, or the installed bundle), with optional standard input. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../cli/build.js';

/** What a CLI run ended with. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of a CLI run: extra environment, standard input. */
export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * @param args - the command line after `haven`
 * @param options - extra environment, standard input
 */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  return runNode(['--import', 'tsx', 'cli/haven.ts', ...args], options);
}

/** The installed command (cli/build.ts's bundle of the current sources), built once into a scratch directory. */
export interface BundledCli {
  /** Runs the bundle with `args`, as {@link runCli} runs the sources (about a fifth of its CPU: nothing is compiled per run). */
  run(args: readonly string[], options?: CliRunOptions): Promise<CliResult>;
  /** Removes the scratch directory. */
  dispose(): void;
}

/** Builds the `haven` bundle (package.json's `bin`) from the current sources for a test file's runs. */
export async function bundledCli(): Promise<BundledCli> {
  const scratch = mkdtempSync(join(tmpdir(), 'haven-cli-'));
  const bundle = await buildCli(join(scratch, 'haven.cjs'));
  return { run: (args, options = {}) => runNode([bundle, ...args], options), dispose: () => rmSync(scratch, { recursive: true, force: true }) };
}

function runNode(argv: readonly string[], options: CliRunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
