/**
 * restic as a bench tool: a local repository (format version 2, so
 * compressed), `--compression auto` (zstd at its default speed, comparable
 * to zstd level 3), its default local cache placed inside the bench's temp
 * directory, and a fixed password in the environment.
 */
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runMeasured, type MeasuredRun } from './measure.js';
import { Tool, type BenchTool } from './types.js';

const execFileAsync = promisify(execFile);

/** A throwaway password: the bench repository lives in a temp directory. */
const PASSWORD = 'haven-bench-password';

/** restic over a local directory repository. */
export class ResticTool implements BenchTool {
  readonly tool = Tool.Restic;
  readonly repoDir: string;
  /** restic's local cache (its default behaviour), kept out of the repository size. */
  readonly cacheDir: string;
  private readonly env: NodeJS.ProcessEnv;

  /**
   * @param workDir - a fresh directory for the repository and cache
   * @param dataDir - the directory backed up (as one path argument)
   */
  constructor(
    private readonly workDir: string,
    private readonly dataDir: string,
  ) {
    this.repoDir = join(workDir, 'repo');
    this.cacheDir = join(workDir, 'cache');
    this.env = { ...process.env, RESTIC_REPOSITORY: this.repoDir, RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: this.cacheDir };
  }

  /** `restic version` and the settings used. */
  async describe(): Promise<string> {
    const { stdout } = await execFileAsync('restic', ['version'], { env: this.env });
    return `${stdout.trim()} (repository v2, --compression auto, default cache in the temp dir, 16 MiB packs)`;
  }

  private run(label: string, args: readonly string[]): Promise<MeasuredRun> {
    return runMeasured({ label: `restic ${label}`, command: 'restic', args, env: this.env, rssFile: join(this.workDir, 'rss.txt') });
  }

  /** Deletes the repository and its cache. */
  async reset(): Promise<void> {
    await rm(this.repoDir, { recursive: true, force: true });
    await rm(this.cacheDir, { recursive: true, force: true });
  }

  /** `restic init --repository-version 2`. */
  init(): Promise<MeasuredRun> {
    return this.run('init', ['init', '--repository-version', '2']);
  }

  /** `restic backup --compression auto` of the data directory; the second run finds the first as its parent. */
  backup(type: 'full' | 'incremental'): Promise<MeasuredRun> {
    return this.run(`${type} backup`, ['backup', '--compression', 'auto', '--host', 'bench', '--json', this.dataDir]);
  }

  /** `restic restore latest --target DIR`. */
  restore(target: string): Promise<MeasuredRun> {
    return this.run('restore', ['restore', 'latest', '--host', 'bench', '--target', target]);
  }

  /** restic restores the absolute source path under the target: find each file by name. */
  async restoredFiles(target: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const entries = await readdir(target, { recursive: true, withFileTypes: true });
    for (const entry of entries) if (entry.isFile()) found.set(entry.name, join(entry.parentPath, entry.name));
    return found;
  }
}

/** The `summary` message of `restic backup --json`, or undefined. */
export function resticSummary(stdout: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.message_type === 'summary') return message;
    } catch {
      // Not a JSON message; restic may print warnings.
    }
  }
  return undefined;
}
