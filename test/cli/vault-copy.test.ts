import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, randomData } from '../helpers/engine.js';
import { regionalPlace, REGIONS, type RegionalPlace } from '../vault/copy-fixture.js';
import { runCli, type CliResult } from './run-cli.js';

interface CopySummary {
  targetCreated: boolean;
  results: Array<{ sourceSnapshotId: string; targetSnapshotId: string; alreadyCopied: boolean; blobsCopied: number; packsVerified: number }>;
  totals: { snapshots: number; copied: number; blobsCopied: number; bytesRead: number; bytesWritten: number };
}

describe('haven vault copy, end to end (moto: a vault in us-east-1 copied into eu-west-1)', () => {
  /** A source vault backed up by the CLI, and the first `vault copy --init` into a new copy vault: built once, only read by the tests. */
  let dir: string;
  let there: RegionalPlace;
  let src: string;
  let dst: string;
  let first: CliResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haven-copy-cli-'));
    const here = await regionalPlace(REGIONS.primary, 'cli-copy-src');
    there = await regionalPlace(REGIONS.copy, 'cli-copy-dst');
    src = `s3://${here.bucket}/vault`;
    dst = `s3://${there.bucket}/dr`;
    const input = join(dir, 'export.jsonl');
    writeFileSync(input, Buffer.concat([jsonLines(10_000), randomData(1024 * 1024, 5)]));
    const init = await runCli(['vault', 'init', src, '--kms-key', here.keyArn]);
    assert.equal(init.code, 0, init.stderr);
    const backup = await runCli(['vault', 'backup', src, input, '--job', 'job_cli_copy']);
    assert.equal(backup.code, 0, backup.stderr);
    first = await runCli(['vault', 'copy', src, dst, '--init', '--to-kms-key', there.keyArn, '--to-region', REGIONS.copy, '--read-data', '--json']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('copy --init creates the copy vault, copies the snapshot, reads it back and prints a JSON summary', () => {
    // Assess
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as CopySummary;
    assert.equal(summary.targetCreated, true);
    assert.equal(summary.totals.copied, 1);
    assert.ok(summary.results[0]!.blobsCopied > 0 && summary.results[0]!.packsVerified > 0);
  });

  test('the copy vault passes check --read-data with its own key, in its region', async () => {
    // Act
    const check = await runCli(['vault', 'check', dst, '--read-data'], { env: { AWS_REGION: REGIONS.copy, AWS_DEFAULT_REGION: REGIONS.copy } });

    // Assess
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /1 snapshots.*\n(.|\n)*no errors found/);
  });

  test('running the copy again copies nothing', async () => {
    // Act
    const again = await runCli(['vault', 'copy', src, dst, '--to-region', REGIONS.copy, '--json']);

    // Assess
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as CopySummary;
    assert.deepEqual([summary.targetCreated, summary.totals.copied, summary.totals.bytesRead, summary.totals.bytesWritten], [false, 0, 0, 0]);
  });

  test('a target that holds no vault, without --init, exits 3 and names --init', async () => {
    // Act
    const missing = await runCli(['vault', 'copy', src, `s3://${there.bucket}/nothing-here`, '--to-region', REGIONS.copy]);

    // Assess
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /--init/);
  });
});
