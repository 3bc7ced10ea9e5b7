/**
 * What retention, forget, delete and prune need from the outside world. The
 * workflow steps' dependencies (`control/workflows/deps.ts`) extend it.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { OutcomeEvent } from '../notifications/event-types.js';
import type { Vault } from '../../vault/repository/vault.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';
import type { VaultLocation, VaultRegistry } from '../vaults/registry.js';

/** Services of retention and prune. */
export interface RetentionDeps {
  catalog: Catalog;
  /** The deployment's vaults: where a job's backups go, and where a backup's `vault_uri` is. */
  vaults: VaultRegistry;
  /** Opens a vault (creating it on first use), once per process each; no location: the primary vault. */
  vault(location?: VaultLocation): Promise<Vault>;
  /** Publishes an outcome event (no-op when notifications are off). */
  publish(event: OutcomeEvent): Promise<void>;
  now(): Date;
  /** S3 Object Lock on a vault (no location: the primary), when its bucket has it (retention and prune read and extend it). */
  objectLock(location?: VaultLocation): ObjectLocker | undefined;
}
