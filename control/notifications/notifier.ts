/**
 * The notifier behind `deps.publish`: every outcome event goes, redacted
 * and with its job named, to EventBridge (default bus, source `haven`), and
 * to the SNS topic when the notification settings that apply ask for it
 * (`on_success`, `on_failure`, `on_warning`; see `settings.ts`).
 *
 * EventBridge is the contract automation relies on, so every event goes
 * there and a refusal fails the step (as before). SNS is for people: a
 * failure to reach it is reported to `onError` and never fails a backup
 * that already completed.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { snsClient } from '../../vault/aws/clients.js';
import type { Catalog } from '../catalog/catalog.js';
import type { OutcomeEvent } from './event-types.js';
import { putOutcomeEvent } from './eventbridge.js';
import { severityOf, shouldNotify } from './filter.js';
import { formatSnsMessage } from './message.js';
import { redactSecrets } from './redact.js';
import { resolveSubject, type EventSubject } from './settings.js';

/** Options of {@link Notifier}. */
export interface NotifierOptions {
  catalog: Catalog;
  /** The SNS topic; without one, no SNS messages. */
  topicArn?: string;
  /** Put events on the default EventBridge bus. @default true */
  eventBridge?: boolean;
  /** Sees every event as sent (e.g. to record metrics). */
  onEvent?: (event: OutcomeEvent) => void;
  /** Hears of a message SNS did not take (the caller logs it). */
  onError?: (error: Error, event: OutcomeEvent) => void;
  /** @default `snsClient()` */
  sns?: SNSClient;
  /** @default `eventBridgeClient()` */
  events?: EventBridgeClient;
}

/** What happened to one event. */
export interface Delivery {
  /** The event as sent (redacted, job named). */
  event: OutcomeEvent;
  eventBridge: boolean;
  /** The SNS message id, when one was sent. */
  snsMessageId?: string;
}

/** Sends outcome events to EventBridge and SNS. */
export class Notifier {
  /** @param options - catalog, topic and clients */
  constructor(private readonly options: NotifierOptions) {}

  /**
   * Sends one event.
   *
   * @param raw - the event a step published
   * @returns what was sent where
   * @throws EventRejectedError when EventBridge refuses it
   */
  async publish(raw: OutcomeEvent): Promise<Delivery> {
    const subject = await resolveSubject(this.options.catalog, raw.detail);
    const event = enrich(redactSecrets(raw), subject);
    const eventBridge = this.options.eventBridge ?? true;
    if (eventBridge) await putOutcomeEvent(event, this.options.events);
    this.options.onEvent?.(event);
    const snsMessageId = this.options.topicArn && shouldNotify(event, subject.settings) ? await this.sendSns(event, subject) : undefined;
    return { event, eventBridge, ...(snsMessageId ? { snsMessageId } : {}) };
  }

  private async sendSns(event: OutcomeEvent, subject: EventSubject): Promise<string | undefined> {
    const message = formatSnsMessage(event, severityOf(event), subject);
    try {
      const out = await (this.options.sns ?? snsClient()).send(
        new PublishCommand({ TopicArn: this.options.topicArn, Subject: message.subject, Message: message.message, MessageAttributes: message.attributes }),
      );
      return out.MessageId;
    } catch (error) {
      this.options.onError?.(error as Error, event);
      return undefined;
    }
  }
}

/** Adds the job's id and name when the producer did not know them. */
function enrich(event: OutcomeEvent, subject: EventSubject): OutcomeEvent {
  const { job } = subject;
  if (!job) return event;
  const detail = { ...event.detail };
  if (detail.job_id === undefined || detail.job_id === null) detail.job_id = job.job_id;
  if (detail.job_name === undefined) detail.job_name = job.job_name;
  return { ...event, detail };
}
