/**
 * S3 Object Lock on vault objects, behind a narrow interface so retention
 * and prune run the same way with it (an Object Lock deployment) or without
 * it (no locker: nothing is locked). Only S3 has it; see
 * `s3-object-lock.ts`.
 */

/** Object Lock retention modes. */
export const LockMode = {
  Governance: 'GOVERNANCE',
  Compliance: 'COMPLIANCE',
} as const;
export type LockMode = (typeof LockMode)[keyof typeof LockMode];

/** An object version's retention. */
export interface ObjectRetention {
  mode: LockMode;
  until: Date;
}

/** Reads and extends the retention of vault objects (keys relative to the vault). */
export interface ObjectLocker {
  /** The mode new retention dates are set in. */
  readonly mode: LockMode;
  /** The object's retention, or undefined when it has none (or is missing). */
  retention(key: string): Promise<ObjectRetention | undefined>;
  /**
   * Extends the object's retention to `until`; never shortens it.
   * @returns whether it changed anything
   */
  extend(key: string, until: Date): Promise<boolean>;
}

/** True when the retention holds the object past `now`. */
export function isLocked(retention: ObjectRetention | undefined, now: Date): retention is ObjectRetention {
  return retention !== undefined && retention.until.getTime() > now.getTime();
}
