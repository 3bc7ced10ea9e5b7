/**
 * rustic as a bench tool, set up like restic (`restic-tool.ts`): a local
 * repository created with rustic's defaults (repository version 2, zstd at
 * its default level), its cache inside the bench's temp directory, the
 * repository and password from the environment, and no config profile:
 * rustic looks for `<profile>.toml` in `~/.config/rustic`, `/etc/rustic`
 * and the working directory, so HOME (and the XDG and rustic config
 * directories) point at an empty folder in the temp directory, each step
 * runs there, and the profile has a name no machine uses
 * (`RUSTIC_USE_PROFILE`); rustic then says it uses no config file.
 * Progress bars are off, as restic turns them off without a terminal.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasuredRun } from './measure.js';
import { PEER_PASSWORD, PeerTool, type PeerPaths } from './peer-tool.js';
import { Tool } from './types.js';

/** A profile name no machine has, so that no `rustic.toml` (not even `/etc/rustic/rustic.toml`) applies. */
const NO_PROFILE = 'haven-bench-no-profile';

/** rustic over a local directory repository. */
export class RusticTool extends PeerTool {
  readonly tool = Tool.Rustic;

  protected toolEnv({ repoDir, cacheDir }: PeerPaths): NodeJS.ProcessEnv {
    const home = join(this.workDir, 'home');
    mkdirSync(home, { recursive: true });
    return {
      RUSTIC_REPOSITORY: repoDir,
      RUSTIC_PASSWORD: PEER_PASSWORD,
      RUSTIC_CACHE_DIR: cacheDir,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CONFIG_DIRS: join(home, 'etc'),
      RUSTIC_HOME: home,
      RUSTIC_USE_PROFILE: NO_PROFILE,
    };
  }

  /** `rustic --version` and the settings used. */
  async describe(): Promise<string> {
    return `${await this.query(['--version'])} (repository v2, default compression, cache in the temp dir, no config profile, --no-progress)`;
  }

  /** `rustic init` with the repository defaults. */
  init(): Promise<MeasuredRun> {
    return this.run('init', ['--no-progress', 'init']);
  }

  /** `rustic backup` of the data directory; the second run finds the first as its parent. */
  backup(type: 'full' | 'incremental'): Promise<MeasuredRun> {
    return this.run(`${type} backup`, ['--no-progress', 'backup', '--host', 'bench', '--json', this.dataDir]);
  }

  /** `rustic restore latest DIR`. */
  restore(target: string): Promise<MeasuredRun> {
    return this.run('restore', ['--no-progress', 'restore', '--filter-host', 'bench', 'latest', target]);
  }
}
