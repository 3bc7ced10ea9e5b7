import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { createKey } from '../helpers/kms.js';
import { randomData, jsonLines } from '../helpers/engine.js';
import { uniqueName } from '../helpers/names.js';

const run = promisify(execFile);

/** Runs `haven` as a user would (a child process), returning exit code and output. */
async function haven(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/haven.ts', ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Creates a vault at `vault` under a new key file `key` and backs `input` up into it (both must succeed). */
async function backedUpFileVault(vault: string, key: string, input: string): Promise<void> {
  const init = await haven('vault', 'init', vault, '--key-file', key, '--create-key-file');
  assert.equal(init.code, 0, init.stderr);
  const backup = await haven('vault', 'backup', vault, input, '--job', 'job_cli', '--key-file', key);
  assert.equal(backup.code, 0, backup.stderr);
}

describe('haven vault CLI (the disaster-recovery path)', () => {
  /** A scratch directory and the export every vault backs up: made once, only read by the tests (which write only files of their own). */
  let dir: string;
  let input: string;
  let data: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'haven-cli-'));
    input = join(dir, 'export.jsonl');
    data = Buffer.concat([jsonLines(30_000), randomData(2 * 1024 * 1024, 4)]);
    writeFileSync(input, data);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a file:// vault with a key file, initialized and backed up', () => {
    /** Built once by the CLI itself; the tests only read it. */
    let vault: string;
    let key: string;
    beforeAll(async () => {
      vault = `file://${join(dir, 'vault')}`;
      key = join(dir, 'vault.key');
      await backedUpFileVault(vault, key, input);
    });

    test('ls --json lists the one snapshot with the size of its partition', async () => {
      // Act
      const ls = await haven('vault', 'ls', vault, '--key-file', key, '--json');

      // Assess
      const snapshots = JSON.parse(ls.stdout) as Array<{ id: string; partitions: Array<{ name: string; size: number }> }>;
      assert.equal(snapshots.length, 1);
      assert.equal(snapshots[0]!.partitions[0]!.size, data.length);
    });

    test('check --read-data exits 0 and finds no errors', async () => {
      // Act
      const check = await haven('vault', 'check', vault, '--read-data', '--key-file', key);

      // Assess
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /no errors found/);
    });

    test('restore of a snapshot named by an id prefix writes the backed-up bytes to a file', async () => {
      // Prepare
      const { stdout } = await haven('vault', 'ls', vault, '--key-file', key, '--json');
      const id = (JSON.parse(stdout) as Array<{ id: string }>)[0]!.id;
      const out = join(dir, 'restored.jsonl');

      // Act
      const restore = await haven('vault', 'restore', vault, id.slice(0, 8), 'data', '--to', out, '--key-file', key);

      // Assess
      assert.equal(restore.code, 0, restore.stderr);
      assert.ok(readFileSync(out).equals(data));
    });

    test('restore of the latest snapshot --to - writes the backed-up bytes to stdout', async () => {
      // Act
      const piped = await run(process.execPath, ['--import', 'tsx', 'cli/haven.ts', 'vault', 'restore', vault, 'latest', 'data', '--to', '-', '--key-file', key], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });

      // Assess
      assert.ok(Buffer.from(piped.stdout).equals(data));
    });

    test('opened without its key file, the vault is a KeyNotFoundError naming --key-file', async () => {
      // Act
      const missingKeyFile = await haven('vault', 'ls', vault);

      // Assess
      assert.notEqual(missingKeyFile.code, 0);
      assert.match(missingKeyFile.stderr, /KeyNotFoundError.*--key-file/);
    });
  });

  describe('a file:// vault with a damaged pack', () => {
    /** Built and damaged once; the tests only read it. */
    let vault: string;
    let key: string;
    let id: string;
    beforeAll(async () => {
      vault = join(dir, 'damaged');
      key = join(dir, 'damaged.key');
      await backedUpFileVault(vault, key, input);
      const { stdout } = await haven('vault', 'ls', vault, '--key-file', key, '--json');
      id = (JSON.parse(stdout) as Array<{ id: string }>)[0]!.id;
      const dataDir = join(vault, 'data');
      const sub = readdirSync(dataDir)[0]!;
      const pack = join(dataDir, sub, readdirSync(join(dataDir, sub))[0]!);
      const bytes = readFileSync(pack);
      bytes[10] = bytes[10]! ^ 0xff;
      writeFileSync(pack, bytes);
    });

    test('check --read-data exits 1 naming the damaged snapshot', async () => {
      // Act
      const check = await haven('vault', 'check', vault, '--read-data', '--key-file', key);

      // Assess
      assert.equal(check.code, 1);
      assert.match(check.stdout, new RegExp(`damaged snapshots: ${id.slice(0, 12)}`));
    });

    test('restore exits non-zero with CorruptedBackupError, leaving no output file', async () => {
      // Prepare
      const out = join(dir, 'should-not-exist');

      // Act
      const restore = await haven('vault', 'restore', vault, 'latest', 'data', '--to', out, '--key-file', key);

      // Assess
      assert.notEqual(restore.code, 0);
      assert.match(restore.stderr, /CorruptedBackupError \(CorruptedBackup\)/);
      assert.equal(existsSync(out), false, 'no partial file is left');
    });
  });

  test('s3:// vault under a KMS key (emulator): restorable with only the bucket and KMS, the key named by the vault itself', async () => {
    // Prepare
    const bucket = uniqueName('cli-vault');
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    const keyArn = await createKey('cli test key');
    const vault = `s3://${bucket}/vault`;
    const init = await haven('vault', 'init', vault, '--kms-key', keyArn);
    assert.equal(init.code, 0, init.stderr);
    const backup = await haven('vault', 'backup', vault, input, '--job', 'job_cli_s3', '--kms-key', keyArn);
    assert.equal(backup.code, 0, backup.stderr);
    const out = join(dir, 'from-s3.jsonl');

    // Act
    const restore = await haven('vault', 'restore', vault, 'latest', 'data', '--to', out);

    // Assess
    assert.equal(restore.code, 0, restore.stderr);
    assert.ok(readFileSync(out).equals(data));
  });
});
