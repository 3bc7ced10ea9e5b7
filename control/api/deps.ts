/** What the API's services run with: the catalog and the ports (see `ports.ts`). */
import type { Catalog } from '../catalog/catalog.js';
import type { VaultRegistry } from '../vaults/registry.js';
import type { BackupsPort, KeyChecker, SchedulePort, SourceChecker, WorkflowStarter } from './ports.js';
import type { RateLimiter } from './rate-limit.js';

/** Services and settings of the API. */
export interface ApiDeps {
  catalog: Catalog;
  workflows: WorkflowStarter;
  /** Schedule validation, `next_run` and the sync of each job's Scheduler schedule. */
  schedules: SchedulePort;
  sources: SourceChecker;
  /** Looks up the KMS key a job names (`encryption.key_id`). */
  keys: KeyChecker;
  /** The deployment's vault buckets, which a job's `destination` selects from (read on first use; a missing setting is a 500). */
  vaults(): VaultRegistry;
  /** Deleting backups and dry-running retention (they need the vault, not only the catalog). */
  backups: BackupsPort;
  now(): Date;
  /** Haven's version, reported by `GET /health`. */
  version: string;
  /** The per-caller limits of the routes that have one (see `rate-limit.ts`). @default none enforced */
  rateLimiter?: RateLimiter;
}

/** Who made a request (an IAM principal ARN, a JWT subject, `local`). */
export interface Caller {
  id: string;
}
