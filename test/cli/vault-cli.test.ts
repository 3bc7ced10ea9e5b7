import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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

describe('haven vault CLI (the disaster-recovery path)', () => {
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

  test('file:// vault with a key file: init, backup, ls, check --read-data, restore to a file and to stdout', async () => {
    const vault = `file://${join(dir, 'vault')}`;
    const key = join(dir, 'vault.key');
    assert.equal((await haven('vault', 'init', vault, '--key-file', key, '--create-key-file')).code, 0);
    const backup = await haven('vault', 'backup', vault, input, '--job', 'job_cli', '--key-file', key);
    assert.equal(backup.code, 0, backup.stderr);
    const ls = await haven('vault', 'ls', vault, '--key-file', key, '--json');
    const snapshots = JSON.parse(ls.stdout) as Array<{ id: string; partitions: Array<{ name: string; size: number }> }>;
    assert.equal(snapshots.length, 1);
    assert.equal(snapshots[0]!.partitions[0]!.size, data.length);
    const check = await haven('vault', 'check', vault, '--read-data', '--key-file', key);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /no errors found/);
    const out = join(dir, 'restored.jsonl');
    const restore = await haven('vault', 'restore', vault, snapshots[0]!.id.slice(0, 8), 'data', '--to', out, '--key-file', key);
    assert.equal(restore.code, 0, restore.stderr);
    assert.ok(readFileSync(out).equals(data));
    const piped = await run(process.execPath, ['--import', 'tsx', 'cli/haven.ts', 'vault', 'restore', vault, 'latest', 'data', '--to', '-', '--key-file', key], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(Buffer.from(piped.stdout).equals(data));
  });

  test('damage makes check exit 1 naming the snapshot, and restore exit non-zero leaving no output file', async () => {
    const vault = join(dir, 'damaged');
    const key = join(dir, 'damaged.key');
    await haven('vault', 'init', vault, '--key-file', key, '--create-key-file');
    await haven('vault', 'backup', vault, input, '--job', 'job_cli', '--key-file', key);
    const { stdout } = await haven('vault', 'ls', vault, '--key-file', key, '--json');
    const id = (JSON.parse(stdout) as Array<{ id: string }>)[0]!.id;
    const { readdirSync } = await import('node:fs');
    const dataDir = join(vault, 'data');
    const sub = readdirSync(dataDir)[0]!;
    const pack = join(dataDir, sub, readdirSync(join(dataDir, sub))[0]!);
    const bytes = readFileSync(pack);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(pack, bytes);
    const check = await haven('vault', 'check', vault, '--read-data', '--key-file', key);
    assert.equal(check.code, 1);
    assert.match(check.stdout, new RegExp(`damaged snapshots: ${id.slice(0, 12)}`));
    const out = join(dir, 'should-not-exist');
    const restore = await haven('vault', 'restore', vault, 'latest', 'data', '--to', out, '--key-file', key);
    assert.notEqual(restore.code, 0);
    assert.match(restore.stderr, /CorruptedBackupError \(CorruptedBackup\)/);
    assert.equal(existsSync(out), false, 'no partial file is left');
  });

  test('s3:// vault under a KMS key (emulator): restorable with only the bucket and KMS, the key named by the vault itself', async () => {
    const bucket = uniqueName('cli-vault');
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    const keyArn = await createKey('cli test key');
    const vault = `s3://${bucket}/vault`;
    assert.equal((await haven('vault', 'init', vault, '--kms-key', keyArn)).code, 0);
    const backup = await haven('vault', 'backup', vault, input, '--job', 'job_cli_s3', '--kms-key', keyArn);
    assert.equal(backup.code, 0, backup.stderr);
    const out = join(dir, 'from-s3.jsonl');
    const restore = await haven('vault', 'restore', vault, 'latest', 'data', '--to', out);
    assert.equal(restore.code, 0, restore.stderr);
    assert.ok(readFileSync(out).equals(data));
    const missingKeyFile = await haven('vault', 'ls', `file://${join(dir, 'vault')}`);
    assert.notEqual(missingKeyFile.code, 0);
    assert.match(missingKeyFile.stderr, /KeyNotFoundError.*--key-file/);
  });
});
