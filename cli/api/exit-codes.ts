/**
 * The `haven` command's exit codes (documented in docs/CLI.md). Scripts can
 * tell "the backup failed" from "you typed it wrong" from "no such job".
 */
export const ExitCode = {
  /** Done; a waited-for run completed. */
  Ok: 0,
  /** The operation failed: a run ended failed or cancelled, the API answered 5xx, anything unexpected. */
  Failure: 1,
  /** Bad usage: unknown flags, bad values, an unreadable job file, or the API rejected the input (400, 422). */
  Usage: 2,
  /** The job, backup or restore does not exist (404). */
  NotFound: 3,
  /** The request conflicts with the current state (409: a run already going, a locked backup…). */
  Conflict: 4,
  /** Not signed in or not allowed (401, 403): check credentials, region and `--sigv4`. */
  Auth: 5,
  /** The API could not be reached, or kept answering 429/5xx after the retries. */
  Unavailable: 6,
  /** `--wait` gave up after `--timeout`; the run goes on. */
  Timeout: 7,
} as const;
/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * @param status - an HTTP status the API answered with (4xx or 5xx)
 * @returns the exit code that error maps to
 */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 400 || status === 422 || status === 405 || status === 413 || status === 415) return ExitCode.Usage;
  if (status === 401 || status === 403) return ExitCode.Auth;
  if (status === 404) return ExitCode.NotFound;
  if (status === 409 || status === 412) return ExitCode.Conflict;
  if (status === 429 || status === 502 || status === 503 || status === 504) return ExitCode.Unavailable;
  return ExitCode.Failure;
}
