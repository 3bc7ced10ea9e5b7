/** Errors of analytics. */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of analytics errors. */
export class AnalyticsError extends HavenError {
  override readonly name: string = 'AnalyticsError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
}

/** A filter is malformed (`date_from` not a date, after `date_to`, an empty `job_id`). */
export class InvalidAnalyticsFilterError extends AnalyticsError {
  override readonly name = 'InvalidAnalyticsFilterError';
  /** The query parameter at fault (`query.date_from`…) and what is wrong with it. */
  readonly details: { readonly field: string; readonly issue: string };

  /**
   * @param field - the filter
   * @param issue - what is wrong with it
   */
  constructor(
    readonly field: string,
    readonly issue: string,
  ) {
    super(`${field}: ${issue}`);
    this.details = { field: `query.${field}`, issue };
  }
}
