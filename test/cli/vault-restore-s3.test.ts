/**
 * `haven vault restore --to-s3` and `--to-dir`: an S3 prefix backed up into
 * a file vault under a key file, restored by the CLI's program into another
 * bucket and into a directory, each compared with the source object by
 * object, metadata included; and keys that are no safe path kept inside
 * the directory.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBackup } from '../../vault/backup/run-backup.js';
import { DEFAULT_COMPRESSION_ALGORITHM } from '../../vault/compression/settings.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { encodeHeader, type ObjectHeader } from '../../sources/s3/frame.js';
import { mappedPath, SIDECAR_FILE, type SidecarEntry } from '../../sources/s3/directory-target.js';
import { S3Source } from '../../sources/s3/source.js';
import { randomData, tempVault, type TempVault } from '../helpers/engine.js';
import { listKeys, newBucket, putObjects, readObject, type TestObject } from '../sources/fixtures.js';
import { backUpSource, runProgram } from './vault-restore-support.js';

/** The source objects (keys relative to the backed-up prefix `data/`). */
const OBJECTS: TestObject[] = [
  { key: 'docs/readme.txt', body: 'hello, vault\n', contentType: 'text/plain; charset=utf-8', metadata: { owner: 'ann', 'project-id': '42' }, cacheControl: 'max-age=60' },
  { key: 'images/photo.bin', body: randomData(300_000, 7), contentType: 'image/png', metadata: { camera: 'x100' } },
  { key: 'ünïcødé/файл 1.txt', body: 'unicode key', contentType: 'text/plain' },
  { key: 'top.json', body: '{"a":1}', contentType: 'application/json' },
  { key: 'empty.txt', body: '' },
];

function sidecar(dir: string): SidecarEntry[] {
  return readFileSync(join(dir, SIDECAR_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SidecarEntry);
}

describe('vault restore of an S3 backup', () => {
  /** Made once and only read by the tests: the source bucket, its backup and a scratch directory (each test writes a folder of its own). */
  let vault: TempVault;
  let bucket: string;
  let scratch: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'haven-dr-s3-'));
    bucket = await newBucket();
    await putObjects(bucket, OBJECTS.map((o) => ({ ...o, key: `data/${o.key}` })));
    vault = await tempVault();
    await backUpSource(vault.vault, { type: 's3', bucket, prefix: 'data/' }, new S3Source({ bucket, prefix: 'data/' }));
  });
  afterAll(() => {
    vault.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('--to-s3 writes every object under the target prefix with its content type, user metadata and cache control', async () => {
    // Prepare
    const target = await newBucket();

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-s3', `s3://${target}/restored/`, '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { records_restored: number }).records_restored, OBJECTS.length);
    assert.deepEqual(await listKeys(target, 'restored/'), (await listKeys(bucket, 'data/')).map((k) => k.replace(/^data\//, 'restored/')));
    for (const object of OBJECTS) {
      const [restored, original] = await Promise.all([readObject(target, `restored/${object.key}`), readObject(bucket, `data/${object.key}`)]);
      assert.deepEqual(restored, original, object.key);
    }
  });

  test('--to-dir writes every object as a file at its key, with its metadata in the sidecar and its modification time', async () => {
    // Prepare
    const dir = join(scratch, 'to-dir');

    // Act
    const run = await runProgram(['vault', 'restore', `file://${vault.storeDir}`, 'latest', '--key-file', vault.keyFile, '--to-dir', dir]);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /verified/);
    const entries = new Map(sidecar(dir).map((e) => [e.key, e]));
    for (const object of OBJECTS) {
      const original = await readObject(bucket, `data/${object.key}`);
      const entry = entries.get(object.key)!;
      assert.equal(entry.path, object.key);
      assert.deepEqual(readFileSync(join(dir, object.key)), original.body, object.key);
      assert.deepEqual([entry.content_type, entry.metadata, entry.cache_control], [original.contentType, original.metadata ?? {}, original.cacheControl], object.key);
      assert.equal(statSync(join(dir, object.key)).mtime.toISOString(), new Date(entry.last_modified).toISOString());
    }
    assert.equal(entries.size, OBJECTS.length);
  });

  test('shows progress on stderr (a line per phase when not on a terminal) and only the summary on stdout', async () => {
    // Prepare
    const dir = join(scratch, 'progress');

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-dir', dir, '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^restore [0-9a-f]{12}: running preparing 0%\n(.*\n)*restore [0-9a-f]{12}: running restoring .*\n(.*\n)*restore [0-9a-f]{12}: running finishing 100%/);
    assert.equal((JSON.parse(run.stdout) as { verified: boolean }).verified, true);
  });

  test('--to-dir refuses a directory that holds anything under the default fail_if_exists (exit 4)', async () => {
    // Prepare
    const dir = join(scratch, 'not-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep me');

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-dir', dir]);

    // Assess
    assert.equal(run.code, 4, run.stderr);
    assert.deepEqual(readdirSync(dir), ['mine.txt']);
  });

  test('--to-dir with --include restores only the matching keys and says the counts were not compared', async () => {
    // Prepare
    const dir = join(scratch, 'selected');

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-dir', dir, '--include', 'docs/**', '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { records_restored: number; counts_verified: boolean };
    assert.deepEqual([summary.records_restored, summary.counts_verified], [1, false]);
    assert.deepEqual(sidecar(dir).map((e) => e.key), ['docs/readme.txt']);
  });
});

describe('vault restore --to-dir of keys that are no safe path', () => {
  /** A vault holding one S3 partition whose keys try to leave the directory, collide, or use the sidecar's folder. */
  let vault: TempVault;
  let scratch: string;
  const keys = ['../escape.txt', 'a/../../escape2.txt', '/etc/absolute.txt', 'double//slash.txt', '.haven/objects.jsonl', 'x', 'x/y', 'ok/file.txt'];
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'haven-dr-keys-'));
    vault = await tempVault();
    async function* frames(): AsyncGenerator<Uint8Array> {
      for (const key of keys) {
        const body = Buffer.from(`content of ${key}`);
        const header: ObjectHeader = { key, size: body.length, etag: '', content_type: 'text/plain', metadata: {}, last_modified: '2025-01-01T00:00:00.000Z' };
        yield encodeHeader(header);
        yield body;
      }
    }
    await runBackup(
      vault.vault,
      { backupId: 'backup_keys', jobId: 'job_keys', type: BackupType.Full, source: { type: 's3', description: { kind: 's3', bucket: 'b', prefix: '' } }, compression: { algorithm: DEFAULT_COMPRESSION_ALGORITHM } },
      [{ name: 'range-0000', source: frames(), options: { records: () => keys.length } }],
    );
  });
  afterAll(() => {
    vault.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('writes every object inside the directory: unsafe keys at their mapped path, each mapped back in the sidecar', async () => {
    // Prepare
    const dir = join(scratch, 'inner', 'dir');

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-dir', dir, '--json']);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readdirSync(join(scratch, 'inner')), ['dir']);
    assert.equal(existsSync(join(scratch, 'escape.txt')) || existsSync(join(scratch, 'inner', 'escape2.txt')), false);
    const paths = Object.fromEntries(sidecar(dir).map((e) => [e.key, e.path]));
    const mapped = (key: string) => mappedPath(key);
    assert.deepEqual(paths, {
      '../escape.txt': mapped('../escape.txt'),
      'a/../../escape2.txt': mapped('a/../../escape2.txt'),
      '/etc/absolute.txt': mapped('/etc/absolute.txt'),
      'double//slash.txt': mapped('double//slash.txt'),
      '.haven/objects.jsonl': mapped('.haven/objects.jsonl'),
      x: 'x',
      'x/y': mapped('x/y'),
      'ok/file.txt': 'ok/file.txt',
    });
    for (const [key, path] of Object.entries(paths)) assert.equal(readFileSync(join(dir, path), 'utf8'), `content of ${key}`);
    assert.equal(mapped('x/y'), `.haven/keys/${createHash('sha256').update('x/y').digest('hex')}`);
  });
});
