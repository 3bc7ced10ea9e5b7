import { beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { Vault } from '../../vault/repository/vault.js';
import { backupBytes, jsonLines, randomData } from '../helpers/engine.js';
import { regionalPlace, REGIONS, type RegionalPlace } from '../vault/copy-fixture.js';
import { runCli, type CliResult } from './run-cli.js';

interface CopySummary {
  targetCreated: boolean;
  results: Array<{ sourceSnapshotId: string; targetSnapshotId: string; alreadyCopied: boolean; blobsCopied: number; packsVerified: number }>;
  totals: { snapshots: number; copied: number; blobsCopied: number; bytesRead: number; bytesWritten: number };
}

describe('haven vault copy, end to end (moto: a vault in us-east-1 copied into eu-west-1)', () => {
  /** A source vault with one backup, and the first `vault copy --init` into a new copy vault: built once, only read by the tests. */
  let there: RegionalPlace;
  let src: string;
  let dst: string;
  let first: CliResult;
  beforeAll(async () => {
    const here = await regionalPlace(REGIONS.primary, 'cli-copy-src');
    there = await regionalPlace(REGIONS.copy, 'cli-copy-dst');
    src = `s3://${here.bucket}/vault`;
    dst = `s3://${there.bucket}/dr`;
    // The source is made with the engine; the CLI under test is `vault copy`.
    const source = await Vault.init(here.store(), here.provider(), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
    await backupBytes(source, Buffer.concat([jsonLines(10_000), randomData(1024 * 1024, 5)]), { jobId: 'job_cli_copy' });
    first = await runCli(['vault', 'copy', src, dst, '--init', '--to-kms-key', there.keyArn, '--to-region', REGIONS.copy, '--read-data', '--json']);
  });

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

  test('a vault initialized on its own is refused as the target with exit 2', async () => {
    // Prepare
    const other = `s3://${there.bucket}/independent`;
    await Vault.init(there.store('independent'), there.provider(), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });

    // Act
    const refused = await runCli(['vault', 'copy', src, other, '--to-region', REGIONS.copy]);

    // Assess
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not a copy vault/);
  });
});
