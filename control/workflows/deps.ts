/**
 * What the workflow steps need from the outside world, injected so that the
 * Lambda handlers, the local runner and the tests wire the same steps to
 * real (or emulated) services.
 */
import type { SourceConfig } from '../catalog/types.js';
import type { RetentionDeps } from '../retention/deps.js';
import type { BackupSource, RestoreTarget } from '../../sources/source.js';

/** Declared by notifications, which own outcome events; re-exported for the steps' wiring. */

/** Services and settings of the workflow steps: the catalog, vault, clock, events and Object Lock of retention, and more. */
export interface WorkflowDeps extends RetentionDeps {
  /** A source for a job's source configuration. */
  source(config: SourceConfig): BackupSource;
  /** A restore target for a destination configuration. */
  target(config: Record<string, unknown>): RestoreTarget;
  /**
   * The bucket test restores of S3 backups write their scratch prefixes to
   * (its own bucket, without Object Lock, so cleanup can delete); the vault
   * bucket when not set.
   */
  scratchBucket?: string;
}
