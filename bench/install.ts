/**
 * Installs the bench's external tools when they are missing: GNU time
 * (Debian package `time`), restic at the pinned version (`go install` into
 * the project's `.haven/tools`, else Debian's `restic` with a warning) and
 * rustic at the pinned version (`cargo install` into `.haven/tools`, once
 * per machine: it takes about 20 minutes on two cores).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GNU_TIME } from './measure.js';
import { PEER_VERSIONS, peerBinary, peerRoot } from './peers.js';

let updated = false;

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(pkg: string, hint: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing Debian package ${pkg}`);
  try {
    if (!updated) execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    updated = true;
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    throw new Error(`could not install ${pkg} with apt-get (needs root): install it by hand${hint}`, { cause: error });
  }
}

/** Runs a build command with its output on standard error; true when it succeeded. */
function build(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  log(`running ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { env, stdio: ['ignore', process.stderr, process.stderr] }).status === 0;
}

/** Makes sure GNU time is at `/usr/bin/time`. */
export function ensureGnuTime(): void {
  if (!existsSync(GNU_TIME)) aptInstall('time', '');
}

/**
 * The restic to run: the pinned version, built with `go install` into the
 * project when missing; Debian's package (an older version, with a
 * printed warning) when Go is missing or the build fails.
 * @returns the command to run
 */
export function ensureRestic(): string {
  const binary = peerBinary('restic');
  if (existsSync(binary)) return binary;
  const gobin = join(peerRoot('restic'), 'bin');
  if (onPath('go')) {
    mkdirSync(gobin, { recursive: true });
    if (build('go', ['install', `github.com/restic/restic/cmd/restic@v${PEER_VERSIONS.restic}`], { ...process.env, GOBIN: gobin }) && existsSync(binary)) return binary;
  }
  log(`WARNING: could not build restic ${PEER_VERSIONS.restic} (${onPath('go') ? 'go install failed' : 'go is not installed'}); comparing with the Debian package instead, an older version`);
  if (!onPath('restic')) aptInstall('restic', ', or run with --skip-restic');
  return 'restic';
}

/**
 * The rustic to run: the pinned version, built with `cargo install` into the
 * project when missing.
 * @returns the command to run
 * @throws Error when cargo is missing or the build fails (run with `--skip-rustic`)
 */
export function ensureRustic(): string {
  const binary = peerBinary('rustic');
  if (existsSync(binary)) return binary;
  if (!onPath('cargo')) throw new Error(`rustic ${PEER_VERSIONS.rustic} is not built and cargo is not installed: install Rust, or run with --skip-rustic`);
  log(`building rustic ${PEER_VERSIONS.rustic} once for this machine (about 20 minutes on two cores)…`);
  const args = ['install', 'rustic-rs', '--version', PEER_VERSIONS.rustic, '--locked', '--root', peerRoot('rustic')];
  if (!build('cargo', args) || !existsSync(binary)) throw new Error(`cargo ${args.join(' ')} failed: see its output above, or run with --skip-rustic`);
  return binary;
}
