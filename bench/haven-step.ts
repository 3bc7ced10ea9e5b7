/**
 * One Haven bench step, run as its own process so its peak RSS can be
 * measured: `node --import tsx bench/haven-step.ts <step> [options]`.
 *
 * - `init --vault DIR --key FILE`: creates the key file and the vault.
 * - `backup --vault DIR --key FILE --type full|incremental --input NAME=PATH…`:
 *   one snapshot, each input file a partition read with a 1 MiB stream.
 * - `restore --vault DIR --key FILE --out DIR [--snapshot REF] [--concurrency N] [--verify-chunk-ids]`:
 *   restores every partition of the snapshot (default `latest`) to
 *   `DIR/<partition name>`, side by side; `--concurrency` sets the
 *   restore's reads in flight per partition (default: the engine's);
 *   `--verify-chunk-ids` also recomputes every chunk id (the restore's
 *   `verifyChunkIds`, off by default, for comparison).
 *
 * Prints one JSON line describing what it did on standard output.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { runBackup } from '../vault/backup/run-backup.js';
import { DEFAULT_CHUNKER_PARAMS } from '../vault/chunker/params.js';
import { createKeyFile, FileKeyProvider } from '../vault/keys/file-key-provider.js';
import { openSnapshot, restorePartition, type RestoreOptions } from '../vault/restore/restorer.js';
import { BackupType } from '../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../vault/storage/fs-store.js';
import { Vault } from '../vault/repository/vault.js';

/** Read size of the input streams, as the CLI uses. */
const READ_CHUNK = 1024 * 1024;

/** Restored bytes a file's stream takes before it waits, so one `writev` carries a read's blobs (about 2 MiB). */
const WRITE_BUFFER = 2 * 1024 * 1024;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    vault: { type: 'string' },
    key: { type: 'string' },
    type: { type: 'string' },
    input: { type: 'string', multiple: true },
    out: { type: 'string' },
    snapshot: { type: 'string', default: 'latest' },
    concurrency: { type: 'string' },
    'verify-chunk-ids': { type: 'boolean', default: false },
  },
});

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`haven-step: --${name} is required`);
  return value;
}

async function init(vaultDir: string, keyFile: string): Promise<Record<string, unknown>> {
  await createKeyFile(keyFile);
  const vault = await Vault.init(new FileObjectStore(vaultDir), new FileKeyProvider(keyFile), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
  return { vaultId: vault.config.id };
}

async function backup(vault: Vault, type: string, inputs: readonly string[]): Promise<Record<string, unknown>> {
  if (type !== BackupType.Full && type !== BackupType.Incremental) throw new Error(`haven-step: --type must be full or incremental, got ${type}`);
  const partitions = inputs.map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new Error(`haven-step: --input must be NAME=PATH, got ${spec}`);
    return { name: spec.slice(0, at), source: createReadStream(spec.slice(at + 1), { highWaterMark: READ_CHUNK }) };
  });
  const stored = await runBackup(
    vault,
    {
      backupId: `backup_bench_${type}`,
      jobId: 'job_bench',
      type,
      source: { kind: 'bench' },
      compression: { algorithm: 'zstd', level: 3 },
    },
    partitions,
  );
  return { snapshot: stored.id, stats: stored.snapshot.stats };
}

async function restore(vault: Vault, outDir: string, snapshotRef: string, options: RestoreOptions): Promise<Record<string, unknown>> {
  await mkdir(outDir, { recursive: true });
  const opened = await openSnapshot(vault, snapshotRef);
  const files: Record<string, string> = {};
  // Partitions restore side by side, as the restore workflow's Map runs them (and as restic restores files).
  await Promise.all(
    opened.snapshot.partitions.map(async (partition) => {
      const path = join(outDir, partition.name);
      // The generator itself is the source, so nothing buffers ahead of the file's writes (a Readable.from
      // would hold up to 16 chunks of up to 2 MiB each).
      await pipeline(restorePartition(vault, opened.index, opened.snapshot, partition.name, options), createWriteStream(path, { highWaterMark: WRITE_BUFFER }));
      files[partition.name] = path;
    }),
  );
  return { snapshot: opened.id, files };
}

async function main(): Promise<void> {
  const step = positionals[0];
  const vaultDir = required(values.vault, 'vault');
  const keyFile = required(values.key, 'key');
  let result: Record<string, unknown>;
  if (step === 'init') result = await init(vaultDir, keyFile);
  else {
    const vault = await Vault.open(new FileObjectStore(vaultDir), new FileKeyProvider(keyFile));
    if (step === 'backup') result = await backup(vault, required(values.type, 'type'), values.input ?? []);
    else if (step === 'restore') result = await restore(vault, required(values.out, 'out'), values.snapshot ?? 'latest', {
      verifyChunkIds: values['verify-chunk-ids'] ?? false,
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    });
    else throw new Error(`haven-step: unknown step ${String(step)} (init, backup, restore)`);
  }
  process.stdout.write(`${JSON.stringify({ step, ...result })}\n`);
}

await main();
