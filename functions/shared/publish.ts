/** Outcome events on the default EventBridge bus (source `haven`). */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from '../../engine/aws/clients.js';
import type { OutcomeEvent } from '../../engine/workflows/deps.js';

/** The `source` of every Haven event. */
export const EVENT_SOURCE = 'haven';

/** Puts one event on the default bus. */
export async function publishEvent(event: OutcomeEvent): Promise<void> {
  const out = await eventBridgeClient().send(
    new PutEventsCommand({ Entries: [{ Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }] }),
  );
  if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused the ${event.detailType} event: ${out.Entries?.[0]?.ErrorMessage ?? 'unknown'}`);
}
