/**
 * `haven vault restore`: a snapshot straight from the vault into DynamoDB
 * (`--to-dynamodb`), S3 (`--to-s3`), a directory (`--to-dir`) or
 * PostgreSQL (`--to-postgres`), every partition or those named, with the
 * workflows' targets and checks; or one partition's bytes into a file
 * (`--to`). Needs only the vault and its key: no catalog, no stack.
 */
import { Command, Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictPolicySchema } from '../../sources/config-fields.js';
import { ConflictPolicy } from '../../sources/source.js';
import { findPartition, openSnapshot, restorePartition, type OpenedSnapshot } from '../../vault/restore/restorer.js';
import type { Vault } from '../../vault/repository/vault.js';
import { UsageError } from '../api/errors.js';
import { progressView } from '../api/progress.js';
import { positiveInt } from '../commands/context.js';
import { commaList } from '../commands/input-file.js';
import { formatBytes, printJson, progressLine } from '../output.js';
import { withExitCode } from './errors.js';
import { keyOptions, openVault, type KeyOptions } from './open.js';
import { runRestore, type RestoreProgress } from './restore-run.js';
import { chooseTarget, TARGET_FLAGS, type ChosenTarget, type TargetFlags } from './restore-targets.js';

/** Partitions restored at once by default. */
export const DEFAULT_PARALLEL_PARTITIONS = 4;

interface RestoreFlags extends KeyOptions, TargetFlags {
  to?: string;
  conflict: ConflictPolicy;
  createTables: boolean;
  skipConstraints?: boolean;
  skipIndexes?: boolean;
  parallel: number;
  json?: boolean;
}

/** Builds `vault restore`. */
export function restoreCommand(): Command {
  return keyOptions(new Command('restore').argument('<uri>', 'the vault').argument('<snapshot>', 'snapshot id, unique prefix, or latest').argument('[partitions...]', 'partitions to restore (default: all)'))
    .option('--to <file>', "one partition's bytes into a file, or '-' for standard output")
    .option('--to-dynamodb <table>', 'a DynamoDB backup into this table (created from the captured schema when missing)')
    .option('--to-s3 <url>', 'an S3 backup into s3://bucket/prefix (objects with their metadata)')
    .option('--to-dir <dir>', 'an S3 backup into a directory: keys as paths, metadata in <dir>/.haven/objects.jsonl')
    .option('--to-postgres', 'a PostgreSQL backup into the database of --secret-arn, or of the PG* environment variables')
    .option('--secret-arn <arn>', 'with --to-postgres: a Secrets Manager secret holding the connection (RDS layout)')
    .option('--database <name>', "with --to-postgres: restore into this database (overrides the secret's or PGDATABASE)")
    .addOption(new Option('--conflict <policy>', 'what to do with data already in the target (conflict_policy)').choices(ConflictPolicySchema.options).default(ConflictPolicy.FailIfExists))
    .option('--no-create-tables', 'refuse a missing table instead of creating it (create_missing_tables = false)')
    .option('--skip-constraints', 'PostgreSQL: do not recreate constraints')
    .option('--skip-indexes', 'PostgreSQL: do not recreate indexes')
    .option('--key-prefixes <prefixes>', 'S3: only keys under these (comma-separated)', commaList)
    .option('--include <globs>', 'S3: only keys matching one of these globs (comma-separated)', commaList)
    .option('--exclude <globs>', 'S3: leave out keys matching any of these globs (comma-separated)', commaList)
    .option('--parallel <n>', 'partitions restored at once', positiveInt('--parallel'), DEFAULT_PARALLEL_PARTITIONS)
    .option('--json', 'print a JSON summary on standard output')
    .description('restore a snapshot into DynamoDB, S3, a directory or PostgreSQL (or one partition into a file), verified as the workflows verify')
    .action(async (uri: string, ref: string, names: string[], flags: RestoreFlags) => {
      const named = TARGET_FLAGS.filter((f) => flagValue(flags, f) !== undefined);
      if (named.length !== 1) throw new UsageError(`give exactly one of ${TARGET_FLAGS.join(', ')}${named.length > 1 ? ` (got ${named.join(', ')})` : ''}`);
      const chosen = flags.to === undefined ? chooseTarget(flags) : undefined;
      const v = await openVault(uri, flags);
      const opened = await openSnapshot(v, ref);
      if (flags.to !== undefined) {
        if (names.length !== 1) throw new UsageError('--to writes one partition: name it after the snapshot');
        await restoreToFile(v, opened, names[0]!, flags.to);
        return;
      }
      await restoreToTarget(v, opened, names, chosen!, flags);
    });
}

function flagValue(flags: RestoreFlags, flag: (typeof TARGET_FLAGS)[number]): unknown {
  const key = flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof RestoreFlags;
  return flags[key] === false ? undefined : flags[key];
}

/** One partition's bytes into a file (it appears only complete and correct) or standard output. */
async function restoreToFile(v: Vault, opened: OpenedSnapshot, partition: string, to: string): Promise<void> {
  const progress = progressLine(`restoring ${partition}`);
  const stream = Readable.from(restorePartition(v, opened.index, opened.snapshot, partition, { onProgress: (n) => progress.update(formatBytes(n)) }));
  if (to === '-') {
    await pipeline(stream, process.stdout);
    return;
  }
  const partial = `${to}.partial-${process.pid}`;
  try {
    await pipeline(stream, createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, to);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  progress.done();
  process.stdout.write(`restored ${partition} of ${opened.id.slice(0, 12)} to ${to}\n`);
}

/** The snapshot's partitions (those named, or all) into a service or directory, then the summary. */
async function restoreToTarget(v: Vault, opened: OpenedSnapshot, names: string[], chosen: ChosenTarget, flags: RestoreFlags): Promise<void> {
  const description = (opened.snapshot.source.description ?? {}) as Record<string, unknown>;
  const kind = typeof description.kind === 'string' ? description.kind : String(opened.snapshot.source.kind ?? 'unknown');
  if (kind !== chosen.kind) {
    throw new UsageError(`snapshot ${opened.id.slice(0, 12)} is a backup of a ${kind} source; ${chosen.where.type === 'directory' ? '--to-dir' : `--to-${chosen.where.type}`} restores ${chosen.kind} backups`);
  }
  const partitions = names.length > 0 ? [...new Set(names)].map((name) => findPartition(opened.snapshot, name)) : opened.snapshot.partitions;
  const started = Date.now();
  const view = progressView(`restore ${opened.id.slice(0, 12)}`, process.stderr);
  let drawn = 0;
  const show = (p: RestoreProgress) => {
    const now = Date.now();
    if (process.stderr.isTTY && now - drawn < 100 && p.phase === 'restoring' && p.partitionsDone < p.partitions) return;
    drawn = now;
    const rate = p.bytesDone > 0 ? (p.bytesDone * 1000) / Math.max(1, now - started) : undefined;
    const eta = rate ? new Date(now + ((p.bytes - p.bytesDone) * 1000) / rate).toISOString() : undefined;
    const progress = p.bytes > 0 ? (100 * p.bytesDone) / p.bytes : (100 * p.partitionsDone) / Math.max(1, p.partitions);
    // Partition counts on a terminal only: a log gets a line per phase and every 10 %, not one per partition.
    const phase = process.stderr.isTTY ? `${p.phase} ${p.partitionsDone}/${p.partitions} partitions` : p.phase;
    view.update({ status: 'running', phase, progress, ...(rate ? { rate } : {}), ...(eta ? { eta } : {}), record: {} });
  };
  let summary;
  try {
    summary = await runRestore(v, opened, partitions, chosen.target, {
      conflictPolicy: flags.conflict,
      prepare: { create_missing_tables: flags.createTables },
      finish: { skip_constraints: flags.skipConstraints === true, skip_indexes: flags.skipIndexes === true },
      parallel: flags.parallel,
      partial: chosen.partial,
      onProgress: show,
    });
  } catch (error) {
    throw withExitCode(error);
  } finally {
    view.finish();
  }
  const result = { snapshot_id: opened.id, backup_id: opened.snapshot.backup_id, source: kind, target: chosen.where, conflict_policy: flags.conflict, ...summary, verified: true, duration_ms: Date.now() - started };
  if (flags.json) {
    printJson(result);
    return;
  }
  const where = Object.entries(chosen.where).filter(([k]) => k !== 'type').map(([k, value]) => `${k} ${value}`).join(', ');
  process.stdout.write(
    `restored ${summary.partitions} partitions of ${opened.id.slice(0, 12)} into ${chosen.where.type} ${where}: ${summary.records_restored} records, ${summary.records_skipped} skipped, ${formatBytes(summary.bytes)}; verified${summary.counts_verified ? '' : ' (partial: counts not compared)'}\n`,
  );
}
