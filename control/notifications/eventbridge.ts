/** Outcome events on the default EventBridge bus. */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from '../../vault/aws/clients.js';
import type { OutcomeEvent } from './event-types.js';
import { EventRejectedError } from './errors.js';

/** The `source` of every Haven event. */
export const EVENT_SOURCE = 'haven';

/**
 * Puts one event on the default bus.
 *
 * @param event - detail type and detail (already redacted)
 * @param client - @default `eventBridgeClient()`
 * @throws EventRejectedError when EventBridge refuses it
 */
export async function putOutcomeEvent(event: OutcomeEvent, client: EventBridgeClient = eventBridgeClient()): Promise<void> {
  const out = await client.send(new PutEventsCommand({ Entries: [{ Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }] }));
  if ((out.FailedEntryCount ?? 0) > 0) throw new EventRejectedError(event.detailType, out.Entries?.[0]?.ErrorMessage ?? 'unknown');
}
