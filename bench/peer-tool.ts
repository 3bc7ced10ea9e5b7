/**
 * What the bench's peers (restic, rustic) share: a local directory
 * repository and a cache inside the bench's temp directory, a fixed
 * password in the environment, one measured child process per step, and
 * restored files found by name under the target (both restore the absolute
 * source path below it).
 */
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runMeasured, type MeasuredRun } from './measure.js';
import type { BenchTool, Tool } from './types.js';

const execFileAsync = promisify(execFile);

/** A throwaway password: the bench repositories live in a temp directory. */
export const PEER_PASSWORD = 'haven-bench-password';

/** Where a peer keeps its repository and cache. */
export interface PeerPaths {
  repoDir: string;
  cacheDir: string;
}

/** A peer backup tool driven through its command line. */
export abstract class PeerTool implements BenchTool {
  abstract readonly tool: Tool;
  readonly repoDir: string;
  /** The tool's local cache (its default behaviour), kept out of the repository size. */
  readonly cacheDir: string;
  private envCache: NodeJS.ProcessEnv | undefined;

  /**
   * @param binary - the command to run
   * @param workDir - a fresh directory for the repository and cache
   * @param dataDir - the directory backed up (as one path argument)
   */
  constructor(
    protected readonly binary: string,
    protected readonly workDir: string,
    protected readonly dataDir: string,
  ) {
    this.repoDir = join(workDir, 'repo');
    this.cacheDir = join(workDir, 'cache');
  }

  /** The tool's environment on top of the bench's: repository, password, cache. */
  protected abstract toolEnv(paths: PeerPaths): NodeJS.ProcessEnv;

  abstract describe(): Promise<string>;
  abstract init(): Promise<MeasuredRun>;
  abstract backup(type: 'full' | 'incremental'): Promise<MeasuredRun>;
  abstract restore(target: string): Promise<MeasuredRun>;

  /** The environment every run gets. */
  protected get env(): NodeJS.ProcessEnv {
    return (this.envCache ??= { ...process.env, ...this.toolEnv({ repoDir: this.repoDir, cacheDir: this.cacheDir }) });
  }

  /** Runs the binary unmeasured (a version query) and returns its standard output, trimmed. */
  protected async query(args: readonly string[]): Promise<string> {
    const { stdout } = await execFileAsync(this.binary, [...args], { env: this.env, cwd: this.workDir });
    return stdout.trim();
  }

  /** Runs one measured step. */
  protected run(label: string, args: readonly string[]): Promise<MeasuredRun> {
    return runMeasured({ label: `${this.tool} ${label}`, command: this.binary, args, env: this.env, cwd: this.workDir, rssFile: join(this.workDir, 'rss.txt') });
  }

  /** Deletes the repository and its cache. */
  async reset(): Promise<void> {
    await rm(this.repoDir, { recursive: true, force: true });
    await rm(this.cacheDir, { recursive: true, force: true });
  }

  /** The absolute source path is restored under the target: find each file by name. */
  async restoredFiles(target: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const entries = await readdir(target, { recursive: true, withFileTypes: true });
    for (const entry of entries) if (entry.isFile()) found.set(entry.name, join(entry.parentPath, entry.name));
    return found;
  }
}
