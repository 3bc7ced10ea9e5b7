/**
 * Installs the bench's external tools with apt-get when they are missing:
 * GNU time (Debian package `time`) and restic (Debian package `restic`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GNU_TIME } from './measure.js';

let updated = false;

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(pkg: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  process.stderr.write(`[bench] installing Debian package ${pkg}\n`);
  try {
    if (!updated) execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    updated = true;
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    throw new Error(`could not install ${pkg} with apt-get (needs root): install it by hand${pkg === 'restic' ? ', or run with --skip-restic' : ''}`, { cause: error });
  }
}

/** Makes sure GNU time is at `/usr/bin/time`. */
export function ensureGnuTime(): void {
  if (!existsSync(GNU_TIME)) aptInstall('time');
}

/** Makes sure `restic` is on the PATH. */
export function ensureRestic(): void {
  if (!onPath('restic')) aptInstall('restic');
}
