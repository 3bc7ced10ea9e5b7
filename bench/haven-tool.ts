/**
 * Haven as a bench tool: each step runs `bench/haven-step.ts`, bundled with
 * esbuild as Lambda functions are (`bundle.ts`), in its own Node.js process.
 */
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HAVEN_MALLOC_ENV } from '../infra/constructs/haven-function.js';
import { bundleHavenStep } from './bundle.js';
import { runMeasured, type MeasuredRun } from './measure.js';
import { Tool, type BenchTool } from './types.js';
import type { Dataset } from './dataset.js';

/** Haven over a filesystem vault with a local key file. */
export class HavenTool implements BenchTool {
  readonly tool = Tool.Haven;
  readonly repoDir: string;
  private readonly keyFile: string;
  private script: Promise<string> | undefined;

  /**
   * @param workDir - a fresh directory for the vault and its key file
   * @param restoreConcurrency - ranged reads in flight per restored partition (unset: the engine's default)
   */
  constructor(
    private readonly workDir: string,
    private readonly dataset: Dataset,
    private readonly restoreConcurrency?: number,
  ) {
    this.repoDir = join(workDir, 'vault');
    this.keyFile = join(workDir, 'vault.key');
  }

  /** Node.js version, chunker and compression settings. */
  async describe(): Promise<string> {
    const restore = this.restoreConcurrency ? `, restore concurrency ${this.restoreConcurrency} per partition` : '';
    return `Haven (Node.js ${process.version}, esbuild bundle as deployed to Lambda, FastCDC 64K/256K/1M, zstd 3, AES-256-GCM, 16 MiB packs, engine default concurrency${restore})`;
  }

  /** The bundled step script, built once. */
  private bundled(): Promise<string> {
    return (this.script ??= bundleHavenStep(this.workDir));
  }

  /** Bundles the step script (before any step is measured). */
  async prepare(): Promise<void> {
    await this.bundled();
  }

  private async run(label: string, args: readonly string[]): Promise<MeasuredRun> {
    return runMeasured({
      label: `haven ${label}`,
      command: process.execPath,
      args: [await this.bundled(), ...args, '--vault', this.repoDir, '--key', this.keyFile],
      cwd: this.workDir,
      // Haven's malloc settings, as its Lambda functions run.
      env: { ...process.env, ...HAVEN_MALLOC_ENV },
      rssFile: join(this.workDir, 'rss.txt'),
    });
  }

  /** Deletes the vault and its key file. */
  async reset(): Promise<void> {
    await rm(this.repoDir, { recursive: true, force: true });
    await rm(this.keyFile, { force: true });
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
    const concurrency = this.restoreConcurrency ? ['--concurrency', String(this.restoreConcurrency)] : [];
    return this.run('restore', ['restore', '--out', target, ...concurrency]);
  }

  /** Partitions are restored to `target/<file name>`. */
  async restoredFiles(target: string): Promise<Map<string, string>> {
    return new Map(['records.jsonl', 'blobs.bin'].map((name) => [name, join(target, name)]));
  }
}
