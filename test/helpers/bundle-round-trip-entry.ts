/**
 * Entry point bundled with esbuild by `test/vault/worker-bundle.test.ts`,
 * as infra bundles a Lambda function: backs up one file as partition
 * `data` of a file-store vault (created when missing), restores it, and
 * prints what the test compares as one JSON line.
 *
 * `node bundle.mjs VAULT_DIR KEY_FILE DATA_FILE`
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { runBackup } from '../../vault/backup/run-backup.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { blobPool } from '../../vault/pack/blob-workers.js';
import { openSnapshot, restorePartition } from '../../vault/restore/restorer.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../../vault/storage/fs-store.js';
import { Vault } from '../../vault/repository/vault.js';
import { partitionBlobs } from '../../vault/repository/partition-blobs.js';

const [vaultDir, keyFile, dataFile] = process.argv.slice(2);
if (!vaultDir || !keyFile || !dataFile) throw new Error('usage: bundle.mjs VAULT_DIR KEY_FILE DATA_FILE');

const store = new FileObjectStore(vaultDir);
const provider = new FileKeyProvider(keyFile);
let vault: Vault;
if (existsSync(keyFile)) vault = await Vault.open(store, provider);
else {
  await createKeyFile(keyFile);
  vault = await Vault.init(store, provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS }, packSize: 1024 * 1024 });
}
const data = readFileSync(dataFile);
async function* pieces(): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += 1 << 20) yield data.subarray(at, at + (1 << 20));
}
const stored = await runBackup(
  vault,
  { backupId: `backup_${Date.now()}`, jobId: 'job_bundle', type: BackupType.Full, source: { kind: 'test' }, compression: { algorithm: 'zstd', level: 3 } },
  [{ name: 'data', source: pieces() }],
);
const opened = await openSnapshot(vault, stored.id);
const restored = createHash('sha256');
let restoredBytes = 0;
for await (const part of restorePartition(vault, opened.index, opened.snapshot, 'data')) {
  restored.update(part);
  restoredBytes += part.length;
}
const partition = stored.snapshot.partitions[0]!;
process.stdout.write(
  `${JSON.stringify({
    blobs: [...(await partitionBlobs(vault, stored.snapshot, partition))],
    digest: partition.xxh3_128,
    restoredSha256: restored.digest('hex'),
    restoredBytes,
    workerTasks: blobPool()?.stats.completed ?? 0,
  })}\n`,
);
