/**
 * What retention, forget, delete and prune need from the outside world. The
 * workflow steps' dependencies (`control/workflows/deps.ts`) extend it.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { OutcomeEvent } from '../notifications/event-types.js';
import type { Vault } from '../../vault/repository/vault.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';

/** Services of retention and prune. */
export interface RetentionDeps {
  catalog: Catalog;
  /** Opens the deployment's vault (creating it on first use). */
  vault(): Promise<Vault>;
  /** Publishes an outcome event (no-op when notifications are off). */
  publish(event: OutcomeEvent): Promise<void>;
  now(): Date;
  /** S3 Object Lock on the vault, in deployments that turn it on (retention and prune read and extend it). */
  objectLock?: ObjectLocker;
}
