/**
 * restic as a bench tool: a local repository (format version 2, so
 * compressed), `--compression auto` (zstd at its default speed, comparable
 * to zstd level 3), its default local cache placed inside the bench's temp
 * directory, and a fixed password in the environment.
 */
import type { MeasuredRun } from './measure.js';
import { PEER_PASSWORD, PeerTool, type PeerPaths } from './peer-tool.js';
import { Tool } from './types.js';

/** restic over a local directory repository. */
export class ResticTool extends PeerTool {
  readonly tool = Tool.Restic;

  protected toolEnv({ repoDir, cacheDir }: PeerPaths): NodeJS.ProcessEnv {
    return { RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: PEER_PASSWORD, RESTIC_CACHE_DIR: cacheDir };
  }

  /** `restic version` and the settings used. */
  async describe(): Promise<string> {
    return `${await this.query(['version'])} (repository v2, --compression auto, default cache in the temp dir, 16 MiB packs)`;
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
