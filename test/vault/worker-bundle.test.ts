/**
 * The engine bundled with esbuild the way infra bundles a Lambda function
 * (ESM, minified, the createRequire banner) backs up and restores with its
 * blob workers running, and gives the same chunk ids, partition digest and
 * restored bytes as with HAVEN_WORKERS=0 in the same vault.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { xxhash128 } from 'hash-wasm';
import { LAMBDA_ESBUILD_OPTIONS } from '../../infra/constructs/haven-function.js';
import { WORKERS_ENV } from '../../vault/pack/blob-workers.js';
import { jsonLines, randomData } from '../helpers/engine.js';

const ENTRY = fileURLToPath(new URL('../helpers/bundle-round-trip-entry.ts', import.meta.url));

interface RoundTrip {
  blobs: string[];
  digest: string;
  restoredSha256: string;
  restoredBytes: number;
  workerTasks: number;
}

describe('engine bundled with esbuild (as deployed to Lambda)', () => {
  let dir: string;
  let bundle: string;
  let data: Buffer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haven-bundle-'));
    bundle = join(dir, 'bundle.mjs');
    await build({
      ...LAMBDA_ESBUILD_OPTIONS,
      entryPoints: [ENTRY],
      outfile: bundle,
      logLevel: 'silent',
    });
    // Large enough (about 24 average chunks) that its second copy always resynchronizes with the first.
    const block = randomData(6 * 1024 * 1024, 21);
    data = Buffer.concat([jsonLines(20_000), block, jsonLines(3000, (i) => i % 7 === 0), block]);
    writeFileSync(join(dir, 'data.bin'), data);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (workers: string | undefined): RoundTrip => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    if (workers === undefined) delete env[WORKERS_ENV];
    else env[WORKERS_ENV] = workers;
    // Run from the temp directory: nothing but the bundle and Node's built-ins can be resolved.
    const child = spawnSync(process.execPath, [bundle, join(dir, 'vault'), join(dir, 'vault.key'), join(dir, 'data.bin')], { cwd: dir, encoding: 'utf8', timeout: 60_000, env });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout.trim()) as RoundTrip;
  };

  test('a backup and restore round trip runs on workers from the bundle and matches the in-thread run', async () => {
    // Prepare
    const expected = createHash('sha256').update(data).digest('hex');
    const digest = await xxhash128(data);

    // Act
    const onWorkers = run(undefined);
    const inThread = run('0');

    // Assess
    assert.ok(onWorkers.workerTasks > 0, 'the bundled engine used its worker threads');
    assert.equal(inThread.workerTasks, 0, 'HAVEN_WORKERS=0 keeps every blob on the calling thread');
    for (const result of [onWorkers, inThread]) {
      assert.equal(result.digest, digest);
      assert.equal(result.restoredSha256, expected);
      assert.equal(result.restoredBytes, data.length);
    }
    assert.deepEqual(onWorkers.blobs, inThread.blobs, 'the same chunk ids, in the same order');
    assert.ok(new Set(onWorkers.blobs).size < onWorkers.blobs.length, 'the repeated block was deduplicated');
  });
});
