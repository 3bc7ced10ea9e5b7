/**
 * Typed errors of the schedules module. Every one is bad input
 * (`InvalidInput`, an HTTP 422 at the API) and names the offending field in
 * `details`, in the seed's error-body shape (`{ field, issue }`).
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** What a {@link ScheduleError} reports about the input. */
export interface ScheduleErrorDetails {
  /** The field at fault, as a path from the job (`schedule.time`, `schedule.expression`…). */
  field: string;
  /** What is wrong with it, in one sentence. */
  issue: string;
}

/**
 * The one error the schedules module raises on purpose: an invalid schedule
 * (a cron or rate expression EventBridge Scheduler would refuse, a time zone
 * that is not an IANA name, a bad time or frequency).
 */
export class ScheduleError extends HavenError {
  override readonly name = 'ScheduleError';
  override readonly code = ErrorCode.InvalidInput;
  /** The field and the issue. */
  readonly details: ScheduleErrorDetails;

  /**
   * @param field - the field at fault (a path such as `schedule.time`)
   * @param issue - what is wrong with it
   * @param options - the cause, if any
   */
  constructor(field: string, issue: string, options?: ErrorOptions) {
    super(`invalid ${field}: ${issue}`, options);
    this.details = { field, issue };
  }
}
