/**
 * The Haven side of the PostgreSQL bench case, run as its own process so
 * its peak RSS can be measured: backs up every table of the database in
 * `HAVEN_BENCH_POSTGRES` (connection JSON, as a secret would hold it) into a
 * new file vault, through the same source the workflows use (exported
 * snapshot, key-range partitions, COPY text, chunk, zstd, encrypt, packs),
 * one partition after another. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { runBackup } from '../vault/backup/run-backup.js';
import { DEFAULT_CHUNKER_PARAMS } from '../vault/chunker/params.js';
import { createKeyFile, FileKeyProvider } from '../vault/keys/file-key-provider.js';
import { BackupType } from '../vault/snapshot/snapshot.js';
import type { PostgresConnection } from '../sources/postgres/secret.js';
import { PostgresSource } from '../sources/postgres/source.js';
import { FileObjectStore } from '../vault/storage/fs-store.js';
import { Vault } from '../vault/repository/vault.js';

const { values } = parseArgs({ options: { vault: { type: 'string' }, key: { type: 'string' } } });
if (!values.vault || !values.key) throw new Error('postgres-step: --vault and --key are required');
const connection = JSON.parse(process.env.HAVEN_BENCH_POSTGRES ?? 'null') as PostgresConnection | null;
if (!connection) throw new Error('postgres-step: HAVEN_BENCH_POSTGRES is not set');

await createKeyFile(values.key);
const vault = await Vault.init(new FileObjectStore(values.vault), new FileKeyProvider(values.key), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
const source = new PostgresSource({ type: 'postgresql', secret_arn: 'bench' }, { connection });
const description = await source.describe();
const partitions = await source.plan();
const counters = partitions.map(() => ({ records: 0 }));
const stored = await runBackup(
  vault,
  { backupId: 'backup_bench_pg', jobId: 'job_bench_pg', type: BackupType.Full, source: { kind: 'postgresql', description }, compression: { algorithm: 'zstd', level: 3 } },
  partitions.map((p, i) => ({ name: p.name, source: source.export(p, counters[i]!), options: { records: () => counters[i]!.records } })),
);
await source.release(description);
process.stdout.write(`${JSON.stringify({ records: counters.reduce((n, c) => n + c.records, 0), partitions: partitions.length, stats: stored.snapshot.stats })}\n`);
