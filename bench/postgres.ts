/**
 * `npm run bench:postgres [-- --quick]`: the PostgreSQL case. Builds the
 * sample database (local/postgres/sample-database.ts) with a 1,000,000-row
 * `events` table (200,000 with `--quick`) on a throwaway server, then backs
 * it up with Haven (bench/postgres-step.ts, file vault) and with
 * `pg_dump -Fc`, each in its own process under GNU time, and prints wall
 * time, CPU time, peak RSS, throughput over the COPY text size and output
 * size side by side.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { assertNodeVersion } from '../local/node-version.js';
import { postgresBinDir, PostgresServer } from '../local/postgres/server.js';
import { createSampleDatabase } from '../local/postgres/sample-database.js';
import { directoryBytes, runMeasured, type MeasuredRun } from './measure.js';
import { loadAverage } from './machine.js';

const log = (message: string): void => void process.stderr.write(`[bench:postgres] ${message}\n`);

assertNodeVersion();
const quick = process.argv.includes('--quick');
const rows = quick ? 200_000 : 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'haven-bench-pg-'));
const server = new PostgresServer();
try {
  const endpoint = await server.start();
  const client = new pg.Client(endpoint);
  await client.connect();
  await client.query('CREATE DATABASE bench');
  await client.end();
  const db = new pg.Client({ ...endpoint, database: 'bench' });
  await db.connect();
  log(`building the sample database (events: ${rows} rows)…`);
  await createSampleDatabase(db, rows);
  await db.query('VACUUM ANALYZE');
  const size = Number((await db.query<{ n: string }>("SELECT pg_database_size('bench')::text AS n")).rows[0]!.n);
  await db.end();

  log(`haven backup… (load ${loadAverage()})`);
  const connection = { host: endpoint.host, port: endpoint.port, database: 'bench', user: endpoint.user, password: endpoint.password, ssl: false };
  const haven = await runMeasured({
    label: 'haven',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/postgres-step.ts', '--vault', join(dir, 'vault'), '--key', join(dir, 'key')],
    env: { ...process.env, HAVEN_BENCH_POSTGRES: JSON.stringify(connection) },
    rssFile: join(dir, 'haven.rss'),
  });
  const result = JSON.parse(haven.stdout.trim().split('\n').pop()!) as { records: number; partitions: number; stats: { bytes_read: number; bytes_stored: number } };
  log(`pg_dump -Fc… (load ${loadAverage()})`);
  const dump = join(dir, 'bench.dump');
  const pgDump = await runMeasured({
    label: 'pg_dump',
    command: join(postgresBinDir()!, 'pg_dump'),
    args: ['-h', endpoint.host, '-p', String(endpoint.port), '-U', endpoint.user, '-Fc', '-f', dump, 'bench'],
    env: { ...process.env, PGPASSWORD: endpoint.password },
    rssFile: join(dir, 'pg_dump.rss'),
  });
  const copyBytes = result.stats.bytes_read;
  const row = (tool: string, run: MeasuredRun, output: number) =>
    `| ${tool} | ${run.wallSeconds.toFixed(2)} | ${run.cpuSeconds.toFixed(2)} | ${run.peakRssMiB.toFixed(0)} | ${(copyBytes / 1e6 / run.wallSeconds).toFixed(1)} | ${(output / 1e6).toFixed(1)} |`;
  process.stdout.write(
    [
      `PostgreSQL case: ${result.records} rows in ${result.partitions} partitions; database ${(size / 1e6).toFixed(0)} MB on disk, ${(copyBytes / 1e6).toFixed(1)} MB of COPY text; load ${loadAverage()}`,
      '',
      '| tool | wall s | CPU s | peak RSS MiB | MB/s (COPY text) | output MB |',
      '|---|---|---|---|---|---|',
      row('haven (zstd 3, encrypted, file vault)', haven, directoryBytes(join(dir, 'vault'))),
      row('pg_dump -Fc (zlib, default level; not encrypted)', pgDump, statSync(dump).size),
      '',
    ].join('\n'),
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
