/**
 * `deps.publish` in Lambda: the engine's notifier (EventBridge, and SNS
 * filtered by the job's notification settings) plus the outcome's metrics
 * in embedded metric format. A message SNS refused is logged (type and
 * ids, never the detail) and does not fail the step.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Catalog } from '../../control/catalog/catalog.js';
import { Notifier } from '../../control/notifications/notifier.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';
import type { FunctionSettings } from './env.js';
import { recordOutcome } from './metrics.js';

const logger = new Logger({ serviceName: 'haven' });

/**
 * @param catalog - the catalog (to find each event's job and its settings)
 * @param settings - `events` and the SNS topic
 * @returns the publish function of the workflow deps
 */
export function outcomePublisher(catalog: Catalog, settings: Pick<FunctionSettings, 'events' | 'notificationTopicArn'>): (event: OutcomeEvent) => Promise<void> {
  const notifier = new Notifier({
    catalog,
    eventBridge: settings.events !== 'off',
    ...(settings.notificationTopicArn ? { topicArn: settings.notificationTopicArn } : {}),
    onEvent: (event) => recordOutcome(event),
    onError: (error, event) => logger.error('notification not sent', { detailType: event.detailType, errorName: error.name, errorMessage: error.message }),
  });
  return async (event) => {
    await notifier.publish(event);
  };
}
