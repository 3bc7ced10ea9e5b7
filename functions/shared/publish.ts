/** Outcome events on the default EventBridge bus (source `haven`), without SNS or settings (see `notify.ts` for both). */
import { putOutcomeEvent } from '../../engine/notifications/eventbridge.js';
import type { OutcomeEvent } from '../../engine/workflows/deps.js';

export { EVENT_SOURCE } from '../../engine/notifications/eventbridge.js';

/** Puts one event on the default bus. */
export async function publishEvent(event: OutcomeEvent): Promise<void> {
  await putOutcomeEvent(event);
}
