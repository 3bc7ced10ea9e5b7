/**
 * The life cycle shared by executions (backups), restores, verifications
 * and prune runs: queued → running → completed | failed | cancelled, with
 * queued → failed | cancelled as shortcuts. Never backwards; the three
 * terminal statuses are final.
 */

/** Status of an execution, restore, verification or prune run. */
export const RecordStatus = {
  Queued: 'queued',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
/** One of {@link RecordStatus}. */
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus];

const { Queued, Running, Completed, Failed, Cancelled } = RecordStatus;

/** For each status, the statuses a record may move to it from. */
export const PRECEDING_STATUSES: Readonly<Record<RecordStatus, readonly RecordStatus[]>> = {
  [Queued]: [],
  [Running]: [Queued],
  [Completed]: [Running],
  [Failed]: [Queued, Running],
  [Cancelled]: [Queued, Running],
};

/** The statuses a record never leaves. */
export const TERMINAL_STATUSES: readonly RecordStatus[] = [Completed, Failed, Cancelled];

/**
 * @param status - any string
 * @returns whether it is a {@link RecordStatus}
 */
export function isRecordStatus(status: unknown): status is RecordStatus {
  return typeof status === 'string' && Object.hasOwn(PRECEDING_STATUSES, status);
}

/**
 * @param status - a status
 * @returns whether it is final
 */
export function isTerminal(status: RecordStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * @param from - the current status
 * @param to - the status asked for
 * @returns whether the life cycle allows the move
 */
export function canTransition(from: RecordStatus, to: RecordStatus): boolean {
  return PRECEDING_STATUSES[to].includes(from);
}
