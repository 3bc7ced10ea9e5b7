/**
 * The SNS message of an event: a subject a person can read in a mail
 * client, a body with the facts one per line followed by the detail as JSON,
 * and message attributes subscriptions can filter on (`event_type`,
 * `severity`, `job_id`, `recipients`).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { OutcomeEvent, Severity } from './event-types.js';
import type { EventSubject } from './settings.js';

/** SNS allows 100 characters in a subject. */
export const SUBJECT_MAX = 100;

/** One SNS message. */
export interface SnsMessage {
  subject: string;
  message: string;
  attributes: Record<string, MessageAttributeValue>;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * @param bytes - a size
 * @returns it for people (`1.5 GiB`)
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function formatValue(key: string, value: unknown): string {
  if (typeof value === 'number' && (key.startsWith('bytes_') || key === 'data_size')) return `${formatBytes(value)} (${value})`;
  if (typeof value === 'number' && key === 'duration') return `${value} s`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Printable ASCII only, one line, at most {@link SUBJECT_MAX} characters. */
function subjectLine(text: string): string {
  const clean = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return clean.length <= SUBJECT_MAX ? clean : `${clean.slice(0, SUBJECT_MAX - 3)}...`;
}

/**
 * Formats an event for SNS.
 *
 * @param event - the (redacted) event
 * @param severity - its severity
 * @param subject - the job it concerns (when known) and the settings that apply
 * @returns subject, body and attributes
 */
export function formatSnsMessage(event: OutcomeEvent, severity: Severity, about: EventSubject): SnsMessage {
  const { detail } = event;
  const { job } = about;
  const jobId = typeof detail.job_id === 'string' ? detail.job_id : job?.job_id;
  const name = job?.job_name ?? jobId ?? (typeof detail.restore_id === 'string' ? detail.restore_id : undefined);
  const subject = subjectLine(`[Haven] ${event.detailType}${name ? `: ${name}` : ''}`);
  const lines = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${formatValue(key, value)}`);
  const message = [`${event.detailType} (${severity})`, '', ...lines, '', 'Detail (JSON):', JSON.stringify(detail, null, 2)].join('\n');
  const attributes: Record<string, MessageAttributeValue> = {
    event_type: { DataType: 'String', StringValue: event.detailType },
    severity: { DataType: 'String', StringValue: severity },
    source: { DataType: 'String', StringValue: 'haven' },
  };
  if (jobId) attributes.job_id = { DataType: 'String', StringValue: jobId };
  const recipients = about.settings.recipients ?? [];
  if (recipients.length > 0) attributes.recipients = { DataType: 'String.Array', StringValue: JSON.stringify(recipients) };
  return { subject, message, attributes };
}
