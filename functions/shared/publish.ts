/** Outcome events on the default EventBridge bus (source `haven`), without SNS or settings (see `notify.ts` for both). */
import { putOutcomeEvent } from '../../control/notifications/eventbridge.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';

export { EVENT_SOURCE } from '../../control/notifications/eventbridge.js';

/** Puts one event on the default bus. */
export async function publishEvent(event: OutcomeEvent): Promise<void> {
  await putOutcomeEvent(event);
}
