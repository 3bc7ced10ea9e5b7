/**
 * Creates the project-local virtualenv and installs the pinned moto server,
 * cfn-lint and schemathesis into it (`VENV_REQUIREMENTS`). Idempotent: a matching install
 * is detected by a marker file listing the requirements it installed, and
 * left alone, so calling this before every run costs a stat; a virtualenv
 * installed with other pins (or before a tool was pinned) is brought up to
 * date.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorNotInstalledError, PythonNotFoundError } from './errors.js';
import { VENV_REQUIREMENTS, venvDir } from './paths.js';

/** Lists the requirements the virtualenv was installed with, one a line. */
const MARKER = 'haven-venv-requirements';

/** Path of the moto server executable inside the virtualenv. */
export function motoServerBin(dir: string = venvDir): string {
  return join(dir, 'bin', 'moto_server');
}

/** Path of the cfn-lint executable inside the virtualenv. */
export function cfnLintBin(dir: string = venvDir): string {
  return join(dir, 'bin', 'cfn-lint');
}

/** Path of the schemathesis CLI (`st`) inside the virtualenv. */
export function schemathesisBin(dir: string = venvDir): string {
  return join(dir, 'bin', 'st');
}

/** True when the virtualenv holds exactly the pinned requirements. */
export function isEmulatorInstalled(dir: string = venvDir): boolean {
  const marker = join(dir, MARKER);
  return [motoServerBin(dir), cfnLintBin(dir), schemathesisBin(dir)].every((bin) => existsSync(bin)) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === VENV_REQUIREMENTS.join('\n');
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
 * Makes sure the virtualenv exists with the pinned requirements (`moto[server]`, `cfn-lint`, `schemathesis`).
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
  log(`installing ${VENV_REQUIREMENTS.join(' ')}`);
  try {
    execFileSync(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...VENV_REQUIREMENTS], {
      stdio: 'inherit',
    });
  } catch (error) {
    throw new EmulatorNotInstalledError(`pip could not install ${VENV_REQUIREMENTS.join(' ')}`, { cause: error });
  }
  writeFileSync(join(dir, MARKER), `${VENV_REQUIREMENTS.join('\n')}\n`);
}
