/**
 * What the API's services need from the outside world, as narrow ports:
 * starting and stopping workflows, and checking that a source or restore
 * target exists. Step Functions and the local runner implement the first;
 * schedules use control/schedules' `SchedulePort`.
 */
import type { ExecutionRecord, SourceConfig } from '../catalog/types.js';
import type { JobRetentionPlan } from '../retention/forget.js';

export type { SchedulePort } from '../schedules/port.js';

/** The state machines the API starts. */
export const Machine = { Backup: 'backup', Restore: 'restore', Verify: 'verify', Prune: 'prune' } as const;
/** One of {@link Machine}. */
export type Machine = (typeof Machine)[keyof typeof Machine];

/** Starts and stops workflow executions. */
export interface WorkflowStarter {
  /**
   * Starts an execution named `name` (the record id, so a retried start is idempotent).
   *
   * @returns the execution's ARN
   */
  start(machine: Machine, name: string, input: Record<string, unknown>): Promise<{ executionArn: string }>;
  /** Stops the execution named `name`; does nothing when it has already ended or never started. */
  stop(machine: Machine, name: string, cause: string): Promise<void>;
}

/** Checks what a job reads from or a restore writes to, before anything is recorded. */
export interface SourceChecker {
  /** Throws a typed 422-class error when the source's configuration is invalid or it does not exist. */
  checkSource(source: SourceConfig): Promise<void>;
  /** Throws a typed 422-class error when the restore destination's configuration is invalid. */
  checkDestination(destination: Record<string, unknown>): Promise<void>;
}

/**
 * What the API does to backups beyond the catalog: delete one (its snapshot
 * leaves the vault) and dry-run a job's retention. Implemented over the
 * workflow steps' dependencies by `backupsPort` (backups-port.ts).
 */
export interface BackupsPort {
  /** Deletes a backup (see control/retention/delete-backup.ts); returns its record as marked. */
  delete(backupId: string): Promise<ExecutionRecord>;
  /** What the job's retention policy would keep and forget now, changing nothing. */
  planRetention(jobId: string): Promise<JobRetentionPlan>;
}

/** What DescribeKey said of a key a job names. */
export type KeyLookup =
  /** The key exists and this deployment may describe it. */
  | { readonly found: true; readonly arn: string; readonly state: string }
  /** No such key (or alias) in that account and region. */
  | { readonly found: false; readonly reason: 'not_found' }
  /** The key exists but its policy or Haven's role does not let Haven use it. */
  | { readonly found: false; readonly reason: 'denied' }
  /** KMS does not read the value as a key reference. */
  | { readonly found: false; readonly reason: 'invalid' };

/** Looks up the KMS key a job's `encryption.key_id` names (`kms:DescribeKey`, metadata only). */
export interface KeyChecker {
  /**
   * @param keyId - a key id, key ARN, `alias/…` name or alias ARN
   * @param region - the region to ask (an ARN's own, else the destination bucket's)
   * @throws ServiceUnavailableApiError when KMS cannot answer
   */
  describe(keyId: string, region: string): Promise<KeyLookup>;
}
