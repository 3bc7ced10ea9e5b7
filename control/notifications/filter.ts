/** Whether an event goes to people (SNS), by the notification settings that apply. */
import type { NotificationSettings } from '../catalog/types.js';
import { DEFAULT_SEVERITY, isHavenEventType, Severity, type OutcomeEvent } from './event-types.js';

/**
 * @param event - an outcome event
 * @returns its severity: the producer's, else the detail type's default, else `warning` for unknown types
 */
export function severityOf(event: OutcomeEvent): Severity {
  if (event.severity) return event.severity;
  return isHavenEventType(event.detailType) ? DEFAULT_SEVERITY[event.detailType] : Severity.Warning;
}

/**
 * @param event - an outcome event
 * @param settings - `on_success`, `on_failure`, `on_warning`
 * @returns whether the settings ask for it
 */
export function shouldNotify(event: OutcomeEvent, settings: NotificationSettings): boolean {
  const severity = severityOf(event);
  if (severity === Severity.Success) return settings.on_success;
  if (severity === Severity.Failure) return settings.on_failure;
  return settings.on_warning;
}
