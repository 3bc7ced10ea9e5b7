/** Shared shapes of the bench: tools, steps and their measured results. */
import type { MeasuredRun } from './measure.js';

/** The tools compared. */
export const Tool = {
  Haven: 'haven',
  Restic: 'restic',
  Rustic: 'rustic',
} as const;
export type Tool = (typeof Tool)[keyof typeof Tool];

/** The measured steps, in the order they run. */
export const Step = {
  Init: 'init',
  Full: 'full backup',
  Incremental: 'incremental backup',
  Restore: 'restore',
} as const;
export type Step = (typeof Step)[keyof typeof Step];

/** A backup tool driven by the bench, one child process per step. */
export interface BenchTool {
  readonly tool: Tool;
  /** The repository (vault) directory whose size is measured. */
  readonly repoDir: string;
  /** A one-line description of the tool and its settings, for the report. */
  describe(): Promise<string>;
  /** Work done once before any step is measured (e.g. building a bundle). */
  prepare?(): Promise<void>;
  init(): Promise<MeasuredRun>;
  /** Deletes the repository (and any cache), so that `init` starts afresh. */
  reset(): Promise<void>;
  backup(type: 'full' | 'incremental'): Promise<MeasuredRun>;
  /** Restores the latest snapshot under `target`. */
  restore(target: string): Promise<MeasuredRun>;
  /** Paths of the restored files under `target`, by input file name. */
  restoredFiles(target: string): Promise<Map<string, string>>;
}

/** One tool's measurements of one step. */
export interface StepResult {
  tool: Tool;
  step: Step;
  wallSeconds: number;
  /** User + system CPU seconds of the step's process tree. */
  cpuSeconds: number;
  /** Bytes the step was given (the whole data set for backups, the restored bytes for restore; 0 for init). */
  inputBytes: number;
  /** inputBytes / wallSeconds in MB/s (10^6 bytes). */
  throughputMBs: number;
  /** Size of the repository directory after the step. */
  storedBytes: number;
  /** Repository growth during the step. */
  newBytes: number;
  peakRssMiB: number;
  /** Wall seconds of every repetition (the step's `wallSeconds` is their median). */
  wallRuns?: number[];
  /** What the tool itself reported (snapshot stats, restic summary). */
  details?: unknown;
}

/** One row of the per-stage breakdown. */
export interface StageResult {
  stage: string;
  /** Where the engine runs it: the main thread or the blob worker threads (the stage itself is timed alone, in process). */
  runsOn: 'main thread' | 'blob workers' | 'I/O' | 'pipeline';
  seconds: number;
  /** Bytes the stage itself consumed. */
  stageBytes: number;
  /** stageBytes / seconds, MB/s. */
  stageMBs: number;
  /** Plaintext bytes of the sample / seconds, MB/s: comparable across stages. */
  plaintextMBs: number;
  note?: string;
}
