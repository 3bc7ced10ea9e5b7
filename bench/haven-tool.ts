/** Haven as a bench tool: each step runs `bench/haven-step.ts` in its own Node.js process. */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured, type MeasuredRun } from './measure.js';
import { Tool, type BenchTool } from './types.js';
import type { Dataset } from './dataset.js';

const STEP_SCRIPT = fileURLToPath(new URL('./haven-step.ts', import.meta.url));
/** The repository root, so `--import tsx` resolves from its node_modules. */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Haven over a filesystem vault with a local key file. */
export class HavenTool implements BenchTool {
  readonly tool = Tool.Haven;
  readonly repoDir: string;
  private readonly keyFile: string;

  /** @param workDir - a fresh directory for the vault and its key file */
  constructor(
    private readonly workDir: string,
    private readonly dataset: Dataset,
  ) {
    this.repoDir = join(workDir, 'vault');
    this.keyFile = join(workDir, 'vault.key');
  }

  /** Node.js version, chunker and compression settings. */
  async describe(): Promise<string> {
    return `Haven (Node.js ${process.version}, FastCDC 64K/256K/1M, zstd 3, AES-256-GCM, 16 MiB packs, engine default concurrency)`;
  }

  private run(label: string, args: readonly string[]): Promise<MeasuredRun> {
    return runMeasured({
      label: `haven ${label}`,
      command: process.execPath,
      args: ['--import', 'tsx', STEP_SCRIPT, ...args, '--vault', this.repoDir, '--key', this.keyFile],
      cwd: REPO_ROOT,
      // Haven's runtime setting (also set on its Lambda functions): two malloc arenas keep the native
      // memory of zstd on libuv's threads from fragmenting across one arena per thread.
      env: { ...process.env, MALLOC_ARENA_MAX: '2' },
      rssFile: join(this.workDir, 'rss.txt'),
    });
  }

  /** Creates the key file and vault. */
  init(): Promise<MeasuredRun> {
    return this.run('init', ['init']);
  }

  /** Backs up both files, each a partition named after the file. */
  backup(type: 'full' | 'incremental'): Promise<MeasuredRun> {
    const inputs = [this.dataset.records.path, this.dataset.blobs.path].flatMap((path) => ['--input', `${basename(path)}=${path}`]);
    return this.run(`${type} backup`, ['backup', '--type', type, ...inputs]);
  }

  /** Restores every partition of the latest snapshot into `target`. */
  restore(target: string): Promise<MeasuredRun> {
    return this.run('restore', ['restore', '--out', target]);
  }

  /** Partitions are restored to `target/<file name>`. */
  async restoredFiles(target: string): Promise<Map<string, string>> {
    return new Map(['records.jsonl', 'blobs.bin'].map((name) => [name, join(target, name)]));
  }
}
