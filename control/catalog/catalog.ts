/**
 * The catalog: one DynamoDB table (single-table design, see `keys.ts`)
 * recording jobs, executions (each produces one backup), restores,
 * verifications and prune runs. Every state change is a conditional write; every list
 * pages through DynamoDB until it has what it needs.
 *
 * ```ts
 * const catalog = new Catalog(process.env.CATALOG_TABLE!);
 * const job = await catalog.createJob({...});
 * const exec = await catalog.createExecution({ job_id: job.job_id, ... });
 * await catalog.acquireLease(job.job_id, exec.execution_id, 4 * 3600);
 * await catalog.transition(exec.execution_id, RecordStatus.Running);
 * ```
 */
import { catalogContext, type CatalogContext, type CatalogOptions } from './context.js';
import { NotFoundError } from './errors.js';
import { executionIdOf } from './ids.js';
import * as jobs from './jobs.js';
import { ExecutionKind, PruneRunKind, RestoreKind, VerificationKind, type ExecutionListQuery, type ExecutionTypes, type PruneRunTypes, type RestoreTypes, type VerificationTypes } from './kinds.js';
import { acquireLease, releaseLease } from './lease.js';
import type { Page } from './pagination.js';
import { RecordStore } from './record-store.js';
import type { RecordStatus } from './status.js';
import type { ExecutionPatch, ExecutionRecord, JobPatch, JobRecord, NewExecution, NewJob, ProgressUpdate } from './types.js';

/** Jobs, executions (backups), restores, verifications and prune runs in one table. */
export class Catalog {
  private readonly ctx: CatalogContext;
  /** Executions (backups): create, get, transition, updateProgress, annotate, list. */
  readonly executions: RecordStore<ExecutionTypes>;
  /** Restores: create, get, transition, updateProgress, annotate, list. */
  readonly restores: RecordStore<RestoreTypes>;
  /** Verifications: create, get, transition, updateProgress, list. */
  readonly verifications: RecordStore<VerificationTypes>;
  /** Prune runs: create, get, transition, list (newest first). */
  readonly pruneRuns: RecordStore<PruneRunTypes>;

  /**
   * @param tableName - the catalog table
   * @param options - clock, client and page size
   */
  constructor(
    readonly tableName: string,
    options: CatalogOptions = {},
  ) {
    this.ctx = catalogContext(tableName, options);
    this.executions = new RecordStore(this.ctx, ExecutionKind);
    this.restores = new RecordStore(this.ctx, RestoreKind);
    this.verifications = new RecordStore(this.ctx, VerificationKind);
    this.pruneRuns = new RecordStore(this.ctx, PruneRunKind);
  }

  /** Creates a job, never over an existing one (see {@link jobs.createJob}). */
  createJob(input: NewJob): Promise<JobRecord> {
    return jobs.createJob(this.ctx, input);
  }

  /** Reads a job; throws NotFoundError. */
  getJob(jobId: string): Promise<JobRecord> {
    return jobs.getJob(this.ctx, jobId);
  }

  /** Reads a job, or undefined. */
  findJob(jobId: string): Promise<JobRecord | undefined> {
    return jobs.findJob(this.ctx, jobId);
  }

  /** Changes an existing job; returns it as updated (see {@link jobs.updateJob}). */
  updateJob(jobId: string, patch: JobPatch): Promise<JobRecord> {
    return jobs.updateJob(this.ctx, jobId, patch);
  }

  /** Deletes a job that is not running (see {@link jobs.deleteJob}). */
  deleteJob(jobId: string): Promise<void> {
    return jobs.deleteJob(this.ctx, jobId);
  }

  /** Lists jobs newest first (see {@link jobs.listJobs}). */
  listJobs(query: jobs.JobListQuery = {}): Promise<Page<JobRecord>> {
    return jobs.listJobs(this.ctx, query);
  }

  /** Takes or renews a job's run lease (see {@link acquireLease}). */
  acquireLease(jobId: string, executionId: string, ttlSeconds: number): Promise<JobRecord> {
    return acquireLease(this.ctx, jobId, executionId, ttlSeconds);
  }

  /** Releases a job's lease if the execution holds it (see {@link releaseLease}). */
  releaseLease(jobId: string, executionId: string): Promise<boolean> {
    return releaseLease(this.ctx, jobId, executionId);
  }

  /** Creates an execution (see {@link RecordStore.create}). */
  createExecution(input: NewExecution): Promise<ExecutionRecord> {
    return this.executions.create(input);
  }

  /** Reads an execution; throws NotFoundError. */
  getExecution(executionId: string): Promise<ExecutionRecord> {
    return this.executions.get(executionId);
  }

  /**
   * Reads a backup: the execution with the same ulid (`backup_X` is `exec_X`).
   *
   * @param backupId - `backup_<ulid>`
   * @returns the execution that produced it
   * @throws NotFoundError naming the backup
   */
  async getBackup(backupId: string): Promise<ExecutionRecord> {
    const execution = await this.findBackup(backupId);
    if (!execution) throw new NotFoundError('backup', backupId);
    return execution;
  }

  /**
   * Reads a backup that may be gone.
   *
   * @param backupId - `backup_<ulid>`
   * @returns the execution that produced it, or undefined
   */
  async findBackup(backupId: string): Promise<ExecutionRecord | undefined> {
    const executionId = executionIdOf(backupId);
    return executionId === undefined ? undefined : this.executions.find(executionId);
  }

  /** Moves an execution to another status (see {@link RecordStore.transition}). */
  transition(executionId: string, to: RecordStatus, patch: ExecutionPatch = {}): Promise<ExecutionRecord> {
    return this.executions.transition(executionId, to, patch);
  }

  /** Records an execution's progress while it runs (see {@link RecordStore.updateProgress}). */
  updateProgress(executionId: string, update: ProgressUpdate): Promise<ExecutionRecord> {
    return this.executions.updateProgress(executionId, update);
  }

  /** Lists executions, i.e. backups (see {@link RecordStore.list}). */
  listExecutions(query: ExecutionListQuery = {}): Promise<Page<ExecutionRecord>> {
    return this.executions.list(query);
  }
}
