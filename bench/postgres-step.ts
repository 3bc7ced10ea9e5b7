/**
 * The Haven side of the PostgreSQL bench, one process per step so its CPU
 * time and peak RSS can be measured (the bench bundles it with esbuild the
 * way infra bundles a Lambda function, so no TypeScript is compiled while
 * it runs). The connection is `HAVEN_BENCH_POSTGRES` (JSON, as a secret
 * would hold it). Prints one JSON line.
 *
 * - `backup --vault DIR --key FILE [--lanes N]`: creates the vault, plans
 *   in the snapshot holder (describe, plan), exports the partitions on N
 *   lanes (default 2), each lane its own engine session as each Export
 *   partitions child of the workflow is, commits one snapshot and releases
 *   the holder.
 * - `restore --vault DIR --key FILE [--lanes N]`: restores the vault's
 *   latest snapshot the way the restore workflow does: the target's
 *   `prepare` (creates the tables), every partition on N lanes (each one
 *   verified transaction), then `finish` (constraints, indexes, sequences).
 */
import { parseArgs } from 'node:util';
import { commitSnapshot, openSession } from '../vault/backup/run-backup.js';
import { DEFAULT_CHUNKER_PARAMS } from '../vault/chunker/params.js';
import { createKeyFile, FileKeyProvider } from '../vault/keys/file-key-provider.js';
import { openSnapshot, restorePartition } from '../vault/restore/restorer.js';
import { BackupType } from '../vault/snapshot/snapshot.js';
import { FileObjectStore } from '../vault/storage/fs-store.js';
import { Vault } from '../vault/repository/vault.js';
import { mapLimit } from '../vault/util/concurrency.js';
import type { PartitionPlan, RecordCounter } from '../sources/source.js';
import { ConflictPolicy } from '../sources/source.js';
import type { PostgresConnection } from '../sources/postgres/secret.js';
import { PostgresSource } from '../sources/postgres/source.js';
import { PostgresRestoreTarget } from '../sources/postgres/target.js';
import { BENCH_CONNECTION_ENV } from './postgres-shared.js';

/** A secret ARN the configuration validates; the connection comes from the environment instead. */
const BENCH_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:haven-bench';

const COMPRESSION = { algorithm: 'zstd', level: 3 } as const;

/** Splits `items` into `lanes` queues taken in turn, so each lane keeps one session for all its items. */
async function onLanes<T, R>(items: readonly T[], lanes: number, open: () => Promise<R>, work: (lane: R, item: T) => Promise<void>): Promise<R[]> {
  let next = 0;
  const count = Math.max(1, Math.min(lanes, items.length));
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    count,
    async () => {
      const lane = await open();
      while (next < items.length) await work(lane, items[next++]!);
      return lane;
    },
  );
}

async function backup(vault: Vault, connection: PostgresConnection, lanes: number): Promise<Record<string, unknown>> {
  const source = new PostgresSource({ type: 'postgresql', secret_arn: BENCH_SECRET_ARN }, { connection });
  const started = performance.now();
  const description = await source.describe();
  try {
    const partitions = await source.plan();
    const planned = performance.now();
    const counters = new Map<string, RecordCounter>();
    const plan = { type: BackupType.Full, baseFull: null };
    const sessions = await onLanes(
      partitions,
      lanes,
      () => openSession(vault, plan, { compression: COMPRESSION }),
      async (session, partition: PartitionPlan) => {
        const counter: RecordCounter = { records: 0 };
        counters.set(partition.name, counter);
        await session.backupPartition(partition.name, source.export(partition, counter), { records: () => counter.records });
      },
    );
    const results = [];
    for (const session of sessions) results.push(await session.finish());
    const request = { backupId: 'backup_bench_pg', jobId: 'job_bench_pg', source: { kind: 'postgresql', description } };
    const stored = await commitSnapshot(vault, request, { type: BackupType.Full, parent: null }, results);
    const records = [...counters.values()].reduce((n, c) => n + c.records, 0);
    const seconds = (from: number, to: number) => Math.round(to - from) / 1000;
    return { records, partitions: partitions.length, stats: stored.snapshot.stats, seconds: { plan: seconds(started, planned), partitions: seconds(planned, performance.now()) } };
  } finally {
    await source.release(description);
  }
}

async function restore(vault: Vault, connection: PostgresConnection, lanes: number): Promise<Record<string, unknown>> {
  const opened = await openSnapshot(vault, 'latest');
  const description = (opened.snapshot.source.description ?? {}) as Record<string, unknown>;
  const target = new PostgresRestoreTarget({ type: 'postgresql', secret_arn: BENCH_SECRET_ARN }, { connection });
  const started = performance.now();
  await target.prepare({ conflict_policy: ConflictPolicy.FailIfExists, create_missing_tables: true }, description);
  const prepared = performance.now();
  let records = 0;
  await onLanes(
    opened.snapshot.partitions,
    lanes,
    async () => undefined,
    async (_, partition) => {
      const stream = restorePartition(vault, opened.index, opened.snapshot, partition.name);
      const restored = await target.restore(stream, { conflict_policy: ConflictPolicy.FailIfExists });
      records += restored.records;
    },
  );
  const loaded = performance.now();
  await target.finish({}, description);
  const seconds = (from: number, to: number) => Math.round(to - from) / 1000;
  return { records, partitions: opened.snapshot.partitions.length, seconds: { prepare: seconds(started, prepared), partitions: seconds(prepared, loaded), finish: seconds(loaded, performance.now()) } };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { vault: { type: 'string' }, key: { type: 'string' }, lanes: { type: 'string', default: '2' } },
  });
  const connection = JSON.parse(process.env[BENCH_CONNECTION_ENV] ?? 'null') as PostgresConnection | null;
  if (!values.vault || !values.key || !connection) throw new Error(`postgres-step: --vault, --key and ${BENCH_CONNECTION_ENV} are required`);
  const lanes = Number(values.lanes);
  const step = positionals[0];
  let result: Record<string, unknown>;
  if (step === 'backup') {
    await createKeyFile(values.key);
    const vault = await Vault.init(new FileObjectStore(values.vault), new FileKeyProvider(values.key), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
    result = await backup(vault, connection, lanes);
  } else if (step === 'restore') {
    result = await restore(await Vault.open(new FileObjectStore(values.vault), new FileKeyProvider(values.key)), connection, lanes);
  } else throw new Error(`postgres-step: unknown step ${String(step)} (backup, restore)`);
  process.stdout.write(`${JSON.stringify({ step, ...result })}\n`);
}

await main();
