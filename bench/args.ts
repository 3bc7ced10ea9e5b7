/** Command-line flags of `npm run bench`. */
import { parseArgs } from 'node:util';
import { DEFAULT_RESTORE_CONCURRENCY } from '../vault/restore/restorer.js';

/** What `npm run bench -- --help` prints. */
export const BENCH_USAGE = `npm run bench -- [flags]   Haven against restic and rustic on the same synthetic data (bench/RESULTS.md)

  --quick          about 200 MiB of data instead of about 1 GiB (stage sample 64 MiB instead of 256 MiB)
  --skip-restic    leave restic out
  --skip-rustic    leave rustic out (it takes about 20 minutes to build once per machine)
  --runs N         repetitions of the full backup and of the restore, tools interleaved (default 3, median counts)
  --restore-concurrency N   Haven's ranged reads in flight per restored partition (default: the engine's, ${DEFAULT_RESTORE_CONCURRENCY});
                   the bench restores both files side by side, so N = 2 holds as many reads as one partition at the default
  --json FILE      also write every figure as JSON
  --keep           keep the temp directory (data, vault, repositories, restores)
  --help           print this and exit

Haven only: --skip-restic --skip-rustic. The per-stage breakdown of Haven's backup runs at the end of every run.
Per-thread CPU of one Haven step: bench/thread-cpu.ts (see its header).`;

/** Parsed flags. */
export interface BenchArgs {
  /** Print {@link BENCH_USAGE} and exit. */
  help: boolean;
  /** About 200 MiB of data instead of about 1 GiB. */
  quick: boolean;
  /** Where to write the results as JSON. */
  json?: string;
  /** Keep the temp directories (data, vault, repository, restores). */
  keep: boolean;
  skipRestic: boolean;
  /** Leave rustic out (it takes about 20 minutes to build once per machine). */
  skipRustic: boolean;
  /** Repetitions of the full backup and of the restore, tools interleaved; the median counts. */
  runs: number;
  /** Haven's ranged reads in flight per restored partition (`RestoreOptions.concurrency`); unset: the engine's default. */
  restoreConcurrency?: number;
  /** Data set size in bytes. */
  datasetBytes: number;
  /** Sample size of the stage breakdown in bytes. */
  stageSampleBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Parses `--quick`, `--json FILE`, `--keep`, `--skip-restic`, `--skip-rustic`, `--runs N` (default 3),
 * `--restore-concurrency N`, `--help`.
 * @throws TypeError on an unknown flag or a bad number
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'skip-restic': { type: 'boolean', default: false },
      'skip-rustic': { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      'restore-concurrency': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick ?? false;
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new TypeError(`--runs must be a whole number from 1 to 20, got ${values.runs}`);
  const restoreConcurrency = values['restore-concurrency'] === undefined ? undefined : Number(values['restore-concurrency']);
  if (restoreConcurrency !== undefined && (!Number.isInteger(restoreConcurrency) || restoreConcurrency < 1 || restoreConcurrency > 64)) {
    throw new TypeError(`--restore-concurrency must be a whole number from 1 to 64, got ${values['restore-concurrency']}`);
  }
  return {
    help: values.help ?? false,
    quick,
    ...(values.json ? { json: values.json } : {}),
    keep: values.keep ?? false,
    skipRestic: values['skip-restic'] ?? false,
    skipRustic: values['skip-rustic'] ?? false,
    runs,
    ...(restoreConcurrency ? { restoreConcurrency } : {}),
    datasetBytes: (quick ? 200 : 1024) * MiB,
    stageSampleBytes: (quick ? 64 : 256) * MiB,
  };
}
