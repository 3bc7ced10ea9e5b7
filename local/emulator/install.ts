/**
 * Creates the project-local virtualenv and installs the pinned moto server
 * into it. Idempotent: a matching install is detected by a marker file and
 * left alone, so calling this before every run costs a stat.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorNotInstalledError, PythonNotFoundError } from './errors.js';
import { MOTO_VERSION, venvDir } from './paths.js';

const MARKER = 'haven-moto-version';

/** Path of the moto server executable inside the virtualenv. */
export function motoServerBin(dir: string = venvDir): string {
  return join(dir, 'bin', 'moto_server');
}

/** True when the virtualenv holds exactly the pinned moto version. */
export function isEmulatorInstalled(dir: string = venvDir): boolean {
  const marker = join(dir, MARKER);
  return existsSync(motoServerBin(dir)) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === MOTO_VERSION;
}

/** Finds a Python 3.10+ interpreter, preferring `HAVEN_PYTHON`. */
export function findPython(): string {
  const candidates = [process.env.HAVEN_PYTHON, 'python3', 'python'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major === 3 && (minor ?? 0) >= 10) return candidate;
  }
  throw new PythonNotFoundError('Python 3.10 or newer is needed for the local AWS emulator (set HAVEN_PYTHON to its path)');
}

/**
 * Makes sure the virtualenv exists with the pinned `moto[server]`.
 * @param log - receives one line per step taken (nothing when already installed)
 */
export function ensureEmulatorInstalled(log: (line: string) => void = () => {}, dir: string = venvDir): void {
  if (isEmulatorInstalled(dir)) return;
  const python = findPython();
  if (!existsSync(join(dir, 'bin', 'pip'))) {
    rmSync(dir, { recursive: true, force: true });
    log(`creating virtualenv ${dir}`);
    execFileSync(python, ['-m', 'venv', dir], { stdio: 'inherit' });
  }
  log(`installing moto[server]==${MOTO_VERSION}`);
  try {
    execFileSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`], {
      stdio: 'inherit',
    });
  } catch (error) {
    throw new EmulatorNotInstalledError(`pip could not install moto[server]==${MOTO_VERSION}`, { cause: error });
  }
  writeFileSync(join(dir, MARKER), `${MOTO_VERSION}\n`);
}
