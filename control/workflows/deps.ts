/**
 * What the workflow steps need from the outside world, injected so that the
 * Lambda handlers, the local runner and the tests wire the same steps to
 * real (or emulated) services.
 */
import type { SourceConfig } from '../catalog/types.js';
import type { RetentionDeps } from '../retention/deps.js';
import type { BackupSource, RestoreTarget } from '../../sources/source.js';
import type { Vault } from '../../vault/repository/vault.js';
import type { VaultLocation } from '../vaults/registry.js';

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
  /**
   * The copy vault at a location, created as a copy vault of `source` on
   * first use (control/workflows/copy/copy-vault-opener.ts); the copy
   * workflow's steps need it. Never `vault(location)` for a copy target:
   * that would create a vault with fresh secrets.
   */
  copyVault?(location: VaultLocation, source: Vault): Promise<Vault>;
}
