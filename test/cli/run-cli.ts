/** Runs `haven` as a user would: a child process (`tsx cli/haven.ts`), with optional standard input. */
import { spawn } from 'node:child_process';

/** What a CLI run ended with. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * @param args - the command line after `haven`
 * @param options - extra environment, standard input
 */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/haven.ts', ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
