/** Payloads of the copy workflow's steps (statemachines/copy.asl.json): ids and URIs, never data. */

/** What starts a copy execution: the backup workflow's Start copies step, or an operator. */
export interface CopyStartInput {
  backup_id: string;
}

/** One copy to make: the copy vault and how long to wait first. */
export interface PlannedCopy {
  backup_id: string;
  vault_uri: string;
  /** Seconds the Wait state waits before copying (the job copy's `delay`). */
  wait_seconds: number;
}

/** Output of Plan copies. */
export interface CopyPlan {
  backup_id: string;
  /** The copies still to make (a copy completed by an earlier run is left out). */
  copies: PlannedCopy[];
}

/** What Copy to vault returns (small: the counts are on the record). */
export interface CopyOutcome {
  vault_uri: string;
  snapshot_id: string;
  blobs_transferred: number;
  bytes_transferred: number;
  already_copied: boolean;
}

/** What Mark copy failed receives: the copy and the caught error. */
export interface CopyFailedInput {
  backup_id: string;
  vault_uri: string;
  error?: { Error?: string; Cause?: string };
}
