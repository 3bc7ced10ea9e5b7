/**
 * The commands the PostgreSQL bench measures: Haven's backup and restore
 * (the bundled step, bench/postgres-step.ts) and the peers, `pg_dump -Fc`,
 * `pg_dump -Fd -j 2`, `pg_restore -j 2` and `pg_restore` (one session),
 * each restoring the `-Fc` dump of the same run. Every restore writes into
 * a fresh, empty database.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HAVEN_MALLOC_ENV } from '../infra/constructs/haven-function.js';
import { directoryBytes } from './measure.js';
import { BENCH_CONNECTION_ENV } from './postgres-shared.js';

/** The two things measured. */
export const PgStep = { Backup: 'backup', Restore: 'restore' } as const;
export type PgStep = (typeof PgStep)[keyof typeof PgStep];

/** The tools' names, as reported. */
export const PgTool = {
  Haven: 'haven',
  DumpCustom: 'pg_dump -Fc',
  DumpDirectory: 'pg_dump -Fd -j 2',
  RestoreParallel: 'pg_restore -j 2',
  RestoreSingle: 'pg_restore',
} as const;
export type PgTool = (typeof PgTool)[keyof typeof PgTool];

/** Where the bench runs. */
export interface PgBenchContext {
  /** Scratch directory of this bench run. */
  dir: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database backed up. */
  source: string;
  /** PostgreSQL's binaries. */
  binDir: string;
  /** The bundled Haven step. */
  havenStep: string;
  /** Partitions in flight at once in Haven's backup and restore. */
  lanes: number;
}

/** A command to measure. */
export interface PgCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** One measured tool and step. */
export interface PgBenchTool {
  tool: PgTool;
  step: PgStep;
  /** The command of run `run`; a restore writes into `database`. */
  command(run: number, database: string): PgCommand;
  /** Bytes the backup of run `run` wrote (backups only). */
  outputBytes?(run: number): number;
}

function pgEnv(ctx: PgBenchContext): NodeJS.ProcessEnv {
  return { ...process.env, PGPASSWORD: ctx.password };
}

function pgArgs(ctx: PgBenchContext, database: string): string[] {
  return ['-h', ctx.host, '-p', String(ctx.port), '-U', ctx.user, '-d', database];
}

function havenCommand(ctx: PgBenchContext, step: PgStep, run: number, database: string): PgCommand {
  const connection = { host: ctx.host, port: ctx.port, database, user: ctx.user, password: ctx.password, ssl: false };
  const vault = join(ctx.dir, `haven-${run}`);
  return {
    command: process.execPath,
    args: [ctx.havenStep, step, '--vault', join(vault, 'vault'), '--key', join(vault, 'key'), '--lanes', String(ctx.lanes)],
    // The malloc settings every Haven Lambda function runs with (infra/constructs/haven-function.ts).
    env: { ...process.env, ...HAVEN_MALLOC_ENV, [BENCH_CONNECTION_ENV]: JSON.stringify(connection) },
  };
}

const customDump = (ctx: PgBenchContext, run: number) => join(ctx.dir, `dump-${run}.pgdump`);
const directoryDump = (ctx: PgBenchContext, run: number) => join(ctx.dir, `dump-${run}.d`);

/** Every tool and step, backups first; restores read the backups of the same run. */
export function benchTools(ctx: PgBenchContext): PgBenchTool[] {
  const bin = (name: string) => join(ctx.binDir, name);
  return [
    { tool: PgTool.Haven, step: PgStep.Backup, command: (run) => havenCommand(ctx, PgStep.Backup, run, ctx.source), outputBytes: (run) => directoryBytes(join(ctx.dir, `haven-${run}`, 'vault')) },
    {
      tool: PgTool.DumpCustom,
      step: PgStep.Backup,
      command: (run) => ({ command: bin('pg_dump'), args: [...pgArgs(ctx, ctx.source), '-Fc', '-f', customDump(ctx, run)], env: pgEnv(ctx) }),
      outputBytes: (run) => statSync(customDump(ctx, run)).size,
    },
    {
      tool: PgTool.DumpDirectory,
      step: PgStep.Backup,
      command: (run) => ({ command: bin('pg_dump'), args: [...pgArgs(ctx, ctx.source), '-Fd', '-j', '2', '-f', directoryDump(ctx, run)], env: pgEnv(ctx) }),
      outputBytes: (run) => directoryBytes(directoryDump(ctx, run)),
    },
    { tool: PgTool.Haven, step: PgStep.Restore, command: (run, database) => havenCommand(ctx, PgStep.Restore, run, database) },
    {
      tool: PgTool.RestoreParallel,
      step: PgStep.Restore,
      command: (run, database) => ({ command: bin('pg_restore'), args: [...pgArgs(ctx, database), '-j', '2', '--exit-on-error', customDump(ctx, run)], env: pgEnv(ctx) }),
    },
    {
      tool: PgTool.RestoreSingle,
      step: PgStep.Restore,
      command: (run, database) => ({ command: bin('pg_restore'), args: [...pgArgs(ctx, database), '--exit-on-error', customDump(ctx, run)], env: pgEnv(ctx) }),
    },
  ];
}
