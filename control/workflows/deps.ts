/**
 * What the workflow steps need from the outside world, injected so that the
 * Lambda handlers, the local runner and the tests wire the same steps to
 * real (or emulated) services.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { SourceConfig } from '../catalog/types.js';
import type { BackupSource, RestoreTarget } from '../../sources/source.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';
import type { Vault } from '../../vault/repository/vault.js';

/** An outcome event (EventBridge detail-type and detail); never carries secrets. */
export interface OutcomeEvent {
  detailType: string;
  detail: Record<string, unknown>;
  /**
   * Which notification setting governs it (`success`, `failure`, `warning`);
   * defaults by detail type (see `control/notifications/event-types.ts`).
   */
  severity?: 'success' | 'failure' | 'warning';
}

/** Services and settings of the workflow steps. */
export interface WorkflowDeps {
  catalog: Catalog;
  /** Opens the deployment's vault (creating it on first use). */
  vault(): Promise<Vault>;
  /** The vault's URI, recorded in results. */
  vaultUri: string;
  /** A source for a job's source configuration. */
  source(config: SourceConfig): BackupSource;
  /** A restore target for a destination configuration. */
  target(config: Record<string, unknown>): RestoreTarget;
  /** Publishes an outcome event (no-op when notifications are off). */
  publish(event: OutcomeEvent): Promise<void>;
  now(): Date;
  /** S3 Object Lock on the vault, in deployments that turn it on (retention and prune read and extend it). */
  objectLock?: ObjectLocker;
  /**
   * The bucket test restores of S3 backups write their scratch prefixes to
   * (its own bucket, without Object Lock, so cleanup can delete); the vault
   * bucket when not set.
   */
  scratchBucket?: string;
}
