/**
 * Object Lock extension at prune time: every pack holding a blob of a kept
 * snapshot is locked at least as long as that snapshot's backup is kept
 * (its retention date, which the caller knows), so nobody (not even a
 * stolen admin credential, in compliance mode) deletes what a policy still
 * keeps. Dates are only ever extended. Mark carries each used blob's latest
 * date, Join each pack's, and Settle extends the packs that stay.
 */
import type { ObjectLocker } from '../storage/object-lock.js';

/** S3 Object Lock on the vault, and how long each backup must be kept. */
export interface PruneLocking {
  locker: ObjectLocker;
  /** The date until which a backup is kept (its retention date), or undefined when it has none or is unknown. */
  retainUntil(backupId: string): Promise<Date | undefined>;
}
