/**
 * The installed `haven` command: the esbuild bundle cli/build.ts makes
 * (package.json's `bin`), run as a child process under the project's
 * Node.js 22, and under an older Node.js found on this machine (Debian's
 * /usr/bin/node is 20), where it must say so clearly and exit 2.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { buildCli, CLI_BUNDLE } from '../../cli/build.js';
import { MINIMUM_NODE, nodeVersionProblem } from '../../cli/node-version.js';
import { randomData } from '../helpers/engine.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; engines: { node: string }; scripts: Record<string, string> };

/** A Node.js on this machine older than the minimum (the system's), if any. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (version && nodeVersionProblem(version)) return candidate;
  }
  return undefined;
}

/** Runs the bundle with `node` (the project's by default), returning exit code and output. */
function runBundle(bundle: string, args: string[], node = process.execPath): { code: number; stdout: string; stderr: string } {
  const out = spawnSync(node, [bundle, ...args], { encoding: 'utf8', env: { ...process.env, HAVEN_WORKERS: '1' } });
  return { code: out.status ?? 1, stdout: out.stdout, stderr: out.stderr };
}

describe('the haven command (dist/haven.cjs)', () => {
  /** Built once into a scratch directory; the tests only run it. */
  let scratch: string;
  let bundle: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'haven-bin-'));
    bundle = await buildCli(join(scratch, 'haven.cjs'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('package.json installs the bundle as `haven`, built by build:cli on prepare, for the Node.js versions engines names', () => {
    // Assess
    assert.deepEqual(packageJson.bin, { haven: relative(repoRoot, CLI_BUNDLE) });
    assert.match(packageJson.scripts.prepare!, /npm run build:cli/);
    assert.match(packageJson.scripts['build:cli']!, /cli\/build\.ts/);
    assert.equal(packageJson.engines.node.split(' ')[0], `>=${MINIMUM_NODE.join('.')}`);
  });

  test('runs as an executable (its shebang finds node on the PATH) and prints the version', () => {
    // Act
    const version = execFileSync(bundle, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` } });

    // Assess
    assert.equal(version.trim(), packageJson.version);
  });

  test('backs up and restores a file vault on its own, with no checkout modules', () => {
    // Prepare
    const input = join(scratch, 'input.bin');
    const data = randomData(1024 * 1024, 9);
    writeFileSync(input, data);
    const vault = join(scratch, 'vault');
    const key = join(scratch, 'vault.key');
    const copy = join(scratch, 'bundle-elsewhere.cjs');
    writeFileSync(copy, readFileSync(bundle));

    // Act
    const init = runBundle(copy, ['vault', 'init', vault, '--key-file', key, '--create-key-file']);
    const backup = runBundle(copy, ['vault', 'backup', vault, input, '--job', 'job_bin', '--key-file', key]);
    const restore = runBundle(copy, ['vault', 'restore', vault, 'latest', 'data', '--to', join(scratch, 'restored.bin'), '--key-file', key]);

    // Assess
    assert.deepEqual([init.code, backup.code, restore.code], [0, 0, 0], init.stderr + backup.stderr + restore.stderr);
    assert.deepEqual(readFileSync(join(scratch, 'restored.bin')), Buffer.from(data));
  });

  test.skipIf(!olderNode())('under an older Node.js, says which version it needs and exits 2 before loading anything else', () => {
    // Act
    const run = runBundle(bundle, ['--version'], olderNode());

    // Assess
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^haven needs Node.js ${MINIMUM_NODE.join('\\.')} or newer; this is Node.js \\d+\\.\\d+\\.\\d+`));
    assert.equal(run.stdout, '');
  });
});
