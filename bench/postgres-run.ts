/**
 * The PostgreSQL bench's run: a throwaway server (autovacuum off, so no
 * background work lands in a measurement), the sample database with a big
 * `events` table, then `runs` rounds in which every backup runs, then every
 * restore into a fresh database, tools taking turns. Each step runs as its
 * own process under GNU time (wall, the process's CPU, peak RSS); the
 * server's CPU over the same interval is read from /proc. Every restore is
 * checked against the source (row count and checksum of every table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { LAMBDA_ESBUILD_OPTIONS } from '../infra/constructs/haven-function.js';
import { postgresBinDir, PostgresServer } from '../local/postgres/server.js';
import { createSampleDatabase } from '../local/postgres/sample-database.js';
import { loadAverage } from './machine.js';
import { runMeasured } from './measure.js';
import { fingerprintDifferences, tableFingerprints, type TableFingerprint } from './postgres-check.js';
import { medianRun, pgRatios, type PgRatio, type PgResult, type PgRun } from './postgres-report.js';
import { parentPid, serverCpuSeconds } from './postgres-server-cpu.js';
import { benchTools, PgStep, type PgBenchContext, type PgBenchTool } from './postgres-tools.js';

/** How the bench runs. */
export interface PostgresBenchOptions {
  /** Rows of the `events` table. */
  rows: number;
  /** Rounds; the median counts. */
  runs: number;
  /** Partitions in flight at once in Haven's backup and restore (default 2: the machine's cores). */
  lanes?: number;
  log?: (message: string) => void;
}

/** Everything the bench measured. */
export interface PostgresBenchResult {
  rows: number;
  runs: number;
  /** Rows Haven backed up, in how many partitions. */
  records: number;
  partitions: number;
  database_bytes: number;
  /** COPY text Haven read (its `bytes_read`). */
  copy_bytes: number;
  load_average: { before: string; after: string };
  results: PgResult[];
  ratios: PgRatio[];
}

/** A restore failed the bench's check. */
export class RestoreCheckError extends Error {
  override readonly name = 'RestoreCheckError';
}

const STEP_ENTRY = fileURLToPath(new URL('./postgres-step.ts', import.meta.url));

async function bundleStep(dir: string): Promise<string> {
  const outfile = join(dir, 'postgres-step.mjs');
  await build({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [STEP_ENTRY], outfile, logLevel: 'warning' });
  return outfile;
}

async function connect(ctx: PgBenchContext, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: ctx.host, port: ctx.port, user: ctx.user, password: ctx.password, database });
  await client.connect();
  return client;
}

/** Waits until no session but the bench's own is connected, so the server's CPU reading includes every backend's exit. */
async function settle(admin: pg.Client): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()");
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the bench. @throws RestoreCheckError when a restored database differs from the source */
export async function runPostgresBench(options: PostgresBenchOptions): Promise<PostgresBenchResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-pg-'));
  const server = new PostgresServer();
  try {
    const endpoint = await server.start();
    const binDir = postgresBinDir()!;
    const ctx: PgBenchContext = { dir, host: endpoint.host, port: endpoint.port, user: endpoint.user, password: endpoint.password, source: 'bench', binDir, havenStep: await bundleStep(dir), lanes: options.lanes ?? 2 };
    const admin = await connect(ctx, 'postgres');
    try {
      await admin.query('ALTER SYSTEM SET autovacuum = off');
      await admin.query('SELECT pg_catalog.pg_reload_conf()');
      await admin.query('CREATE DATABASE bench');
      const postmaster = parentPid((await admin.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]!.pid);
      const db = await connect(ctx, ctx.source);
      let source: Map<string, TableFingerprint>;
      let databaseBytes: number;
      try {
        log(`building the sample database (events: ${options.rows} rows)…`);
        await createSampleDatabase(db, options.rows);
        await db.query('VACUUM ANALYZE');
        databaseBytes = Number((await db.query<{ n: string }>('SELECT pg_catalog.pg_database_size(pg_catalog.current_database())::text AS n')).rows[0]!.n);
        source = await tableFingerprints(db);
      } finally {
        await db.end();
      }
      const loadBefore = loadAverage();
      const tools = benchTools(ctx);
      const runs = new Map<PgBenchTool, PgRun[]>(tools.map((t) => [t, []]));
      let havenBackup: { records: number; partitions: number; stats: { bytes_read: number } } | undefined;
      for (let run = 0; run < options.runs; run++) {
        for (const tool of tools) {
          const database = tool.step === PgStep.Restore ? `restore_${run}_${tool.tool.replace(/\W+/g, '_')}` : ctx.source;
          if (tool.step === PgStep.Restore) await admin.query(`CREATE DATABASE ${database}`);
          log(`run ${run + 1}/${options.runs}: ${tool.step} with ${tool.tool} (load ${loadAverage()})…`);
          const command = tool.command(run, database);
          await settle(admin);
          const serverBefore = serverCpuSeconds(postmaster);
          const measured = await runMeasured({ label: `${tool.tool} ${tool.step}`, ...command, rssFile: join(dir, 'time.txt') });
          await settle(admin);
          const server_cpu_s = serverCpuSeconds(postmaster) - serverBefore;
          runs.get(tool)!.push({ wall_s: measured.wallSeconds, client_cpu_s: measured.cpuSeconds, server_cpu_s, cpu_s: measured.cpuSeconds + server_cpu_s, peak_rss_mib: measured.peakRssMiB });
          if (tool.step === PgStep.Backup && tool.tool === 'haven') havenBackup = JSON.parse(measured.stdout.trim().split('\n').pop()!) as typeof havenBackup;
          if (tool.step === PgStep.Restore) {
            const restored = await connect(ctx, database);
            const differences = fingerprintDifferences(source, await tableFingerprints(restored).finally(() => restored.end()));
            if (differences.length > 0) throw new RestoreCheckError(`${tool.tool}'s restore differs from the source: ${differences.join('; ')}`);
            await admin.query(`DROP DATABASE ${database}`);
          }
        }
      }
      const results: PgResult[] = tools.map((tool) => {
        const toolRuns = runs.get(tool)!;
        return {
          tool: tool.tool,
          step: tool.step,
          runs: toolRuns,
          median: medianRun(toolRuns),
          ...(tool.outputBytes ? { output_bytes: tool.outputBytes(options.runs - 1) } : {}),
          ...(tool.step === PgStep.Restore ? { checked: true } : {}),
        };
      });
      return {
        rows: options.rows,
        runs: options.runs,
        records: havenBackup?.records ?? 0,
        partitions: havenBackup?.partitions ?? 0,
        database_bytes: databaseBytes,
        copy_bytes: havenBackup?.stats.bytes_read ?? 0,
        load_average: { before: loadBefore, after: loadAverage() },
        results,
        ratios: pgRatios(results),
      };
    } finally {
      await admin.end();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
