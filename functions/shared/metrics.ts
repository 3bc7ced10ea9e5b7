/**
 * Outcome metrics as CloudWatch embedded metric format (Powertools
 * Metrics), written to stdout where Lambda's log pipeline turns them into
 * metrics: namespace `Haven`, each point twice, once per deployment
 * (dimension `service`) and once per job (`service`, `job`), so alarms
 * watch the deployment and dashboards can split by job.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { JOB_DIMENSION, METRIC_NAMESPACE, METRICS_SERVICE, outcomeMetrics } from '../../control/metrics/outcome-metrics.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';

/** A Metrics instance with Haven's namespace and service. */
export function havenMetrics(): Metrics {
  return new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRICS_SERVICE });
}

let shared: Metrics | undefined;

/**
 * Writes an event's metrics at once (one EMF line per event).
 *
 * @param event - the outcome event as sent
 * @param metrics - where to write them @default one instance per container
 */
export function recordOutcome(event: OutcomeEvent, metrics: Metrics = (shared ??= havenMetrics())): void {
  const { job, points } = outcomeMetrics(event);
  if (points.length === 0) return;
  // An empty set projects to the defaults alone: the per-deployment series.
  metrics.addDimensions({});
  if (job) metrics.addDimensions({ [JOB_DIMENSION]: job });
  for (const point of points) metrics.addMetric(point.name, point.unit, point.value);
  metrics.publishStoredMetrics();
}
