/** Errors of the notifier. */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of notification errors. */
export class NotificationError extends HavenError {
  override readonly name: string = 'NotificationError';
  override readonly code: ErrorCode = ErrorCode.StorageUnavailable;
}

/** EventBridge refused an event. */
export class EventRejectedError extends NotificationError {
  override readonly name = 'EventRejectedError';

  /**
   * @param detailType - the event's detail type
   * @param reason - EventBridge's error message
   */
  constructor(detailType: string, reason: string) {
    super(`EventBridge refused the ${detailType} event: ${reason}`);
  }
}
