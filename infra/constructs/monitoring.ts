/**
 * Haven's CloudWatch dashboard and alarms over the outcome metrics the
 * workflow functions write in embedded metric format (namespace `Haven`,
 * dimension `service=haven` per deployment and `service, job` per job;
 * see `functions/shared/metrics.ts`). Every alarm notifies the SNS topic.
 *
 * - **Backup failed**, **verification failed**, **restore failed**: the
 *   deployment's failure count over 5 minutes is at least 1.
 * - **Workflow executions failed**: one alarm per state machine (backup,
 *   restore, verify, prune) on Step Functions' `ExecutionsFailed` over 5
 *   minutes. The outcome metrics come from the workflows' own functions; an
 *   execution that fails where they never run (a mark-failed step refused
 *   by IAM, a prune that dies, a state the definition does not catch)
 *   writes none, and only this alarm hears of it. A backup, restore or
 *   verification that fails the usual way raises both.
 * - **Missed backup**: no `BackupSucceeded` within 1.5x the expected
 *   interval. Jobs are created at run time, so CDK cannot read their
 *   schedules: the deployment-wide alarm takes the interval as a prop (the
 *   longest schedule interval of any job, default one day), and
 *   `jobSchedules` adds one alarm per listed job on its `job` dimension.
 *   Each is an "N of N periods" alarm on the Sum with missing data treated
 *   as breaching, so silence (no backup at all, or only failures) fires it
 *   and any success within the window clears it. Periods are 5 minutes for
 *   windows up to a day and one hour beyond (CloudWatch evaluates at most a
 *   day of sub-hour periods and seven days in all), so windows over seven
 *   days are refused.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MetricName, METRIC_NAMESPACE, METRICS_SERVICE } from '../../control/metrics/outcome-metrics.js';
import { InvalidPropsError } from '../errors.js';

/** Metric names and dimensions, as the functions write them. */
export const HavenMetric = { Namespace: METRIC_NAMESPACE, Service: METRICS_SERVICE, ...MetricName } as const;

/** How often a job is expected to back up. */
export interface JobSchedule {
  readonly jobId: string;
  /** Its schedule's interval (daily: one day). */
  readonly interval: Duration;
}

/** Props of {@link HavenMonitoring}. */
export interface HavenMonitoringProps {
  /** Where alarms go. */
  readonly alarmTopic: sns.ITopic;
  /** The longest schedule interval of any job; the deployment-wide missed-backup alarm waits 1.5x it. @default one day */
  readonly expectedBackupInterval?: Duration;
  /** Jobs to watch one by one for missed backups. @default none */
  readonly jobSchedules?: readonly JobSchedule[];
  /** @default CloudFormation's generated name */
  readonly dashboardName?: string;
  /** The workflows, by name (`Backup`, `Restore`…): each gets an `ExecutionsFailed` alarm. @default none */
  readonly stateMachines?: Readonly<Record<string, sfn.IStateMachine>>;
}

const MAX_WINDOW = Duration.days(7);
const SHORT_PERIOD = Duration.minutes(5);
const LONG_PERIOD = Duration.hours(1);

/** The period and number of periods that cover a missed-backup window. */
export function missedBackupEvaluation(interval: Duration): { period: Duration; evaluationPeriods: number; window: Duration } {
  const window = Duration.seconds(Math.ceil(interval.toSeconds() * 1.5));
  if (window.toSeconds() > MAX_WINDOW.toSeconds()) {
    throw new InvalidPropsError(`a missed-backup window of 1.5 x ${interval.toHumanString()} exceeds CloudWatch's seven days of evaluation`);
  }
  const period = window.toSeconds() <= Duration.days(1).toSeconds() ? SHORT_PERIOD : LONG_PERIOD;
  return { period, evaluationPeriods: Math.max(1, Math.ceil(window.toSeconds() / period.toSeconds())), window };
}

/** The dashboard and alarms. */
export class HavenMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly backupFailedAlarm: cloudwatch.Alarm;
  readonly verificationFailedAlarm: cloudwatch.Alarm;
  readonly restoreFailedAlarm: cloudwatch.Alarm;
  /** Deployment-wide missed backup. */
  readonly missedBackupAlarm: cloudwatch.Alarm;
  /** One per `jobSchedules` entry, by job id. */
  readonly jobMissedBackupAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** One per state machine, by the name it was given. */
  readonly executionsFailedAlarms: Readonly<Record<string, cloudwatch.Alarm>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the alarm topic and the expected intervals
   * @throws InvalidPropsError when a missed-backup window exceeds seven days
   */
  constructor(scope: Construct, id: string, props: HavenMonitoringProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.alarmTopic);
    const metric = (metricName: string, statistic: string, period = SHORT_PERIOD, job?: string) =>
      new cloudwatch.Metric({ namespace: HavenMetric.Namespace, metricName, statistic, period, dimensionsMap: { service: HavenMetric.Service, ...(job ? { job } : {}) } });

    const failureAlarm = (alarmId: string, metricName: string, what: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `Haven: ${what} in the last 5 minutes (see the notification topic and the catalog for which)`,
        metric: metric(metricName, cloudwatch.Stats.SUM),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      return alarm;
    };
    this.backupFailedAlarm = failureAlarm('BackupFailedAlarm', HavenMetric.BackupFailed, 'a backup failed');
    this.verificationFailedAlarm = failureAlarm('VerificationFailedAlarm', HavenMetric.VerificationFailed, 'a verification failed');
    this.restoreFailedAlarm = failureAlarm('RestoreFailedAlarm', HavenMetric.RestoreFailed, 'a restore failed');

    this.executionsFailedAlarms = Object.fromEntries(
      Object.entries(props.stateMachines ?? {}).map(([name, machine]) => {
        if (!/^[A-Za-z0-9]+$/.test(name)) throw new InvalidPropsError(`${id}: state machine names are letters and digits, got ${JSON.stringify(name)}`);
        const alarm = new cloudwatch.Alarm(this, `${name}ExecutionsFailedAlarm`, {
          alarmDescription: `Haven: a ${name.toLowerCase()} workflow execution failed in the last 5 minutes (see its execution history)`,
          metric: machine.metricFailed({ period: SHORT_PERIOD, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        alarm.addAlarmAction(action);
        return [name, alarm];
      }),
    );

    const missedAlarm = (alarmId: string, interval: Duration, job?: string) => {
      const { period, evaluationPeriods, window } = missedBackupEvaluation(interval);
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `Haven: no successful backup${job ? ` of ${job}` : ''} in ${window.toHumanString()} (1.5 x the expected interval)`,
        metric: metric(HavenMetric.BackupSucceeded, cloudwatch.Stats.SUM, period, job),
        threshold: 1,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    };
    this.missedBackupAlarm = missedAlarm('MissedBackupAlarm', props.expectedBackupInterval ?? Duration.days(1));
    const jobIds = (props.jobSchedules ?? []).map((s) => s.jobId);
    if (new Set(jobIds).size !== jobIds.length) throw new InvalidPropsError(`${id}: each job may be listed once in jobSchedules`);
    this.jobMissedBackupAlarms = Object.fromEntries(
      (props.jobSchedules ?? []).map((s, i) => [s.jobId, missedAlarm(`MissedBackupAlarm${i}`, s.interval, s.jobId)]),
    );

    const hour = Duration.hours(1);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 12) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      graph('Backups (per hour)', [metric(HavenMetric.BackupSucceeded, cloudwatch.Stats.SUM, hour), metric(HavenMetric.BackupFailed, cloudwatch.Stats.SUM, hour)]),
      graph('Bytes (per hour)', [metric(HavenMetric.BytesRead, cloudwatch.Stats.SUM, hour), metric(HavenMetric.BytesNew, cloudwatch.Stats.SUM, hour), metric(HavenMetric.BytesStored, cloudwatch.Stats.SUM, hour)]),
    );
    this.dashboard.addWidgets(
      graph('Durations (seconds)', [
        metric(HavenMetric.BackupDuration, cloudwatch.Stats.AVERAGE, hour),
        metric(HavenMetric.BackupDuration, cloudwatch.Stats.MAXIMUM, hour),
        metric(HavenMetric.RestoreDuration, cloudwatch.Stats.AVERAGE, hour),
      ]),
      graph('Failures (per hour)', [
        metric(HavenMetric.BackupFailed, cloudwatch.Stats.SUM, hour),
        metric(HavenMetric.VerificationFailed, cloudwatch.Stats.SUM, hour),
        metric(HavenMetric.RestoreFailed, cloudwatch.Stats.SUM, hour),
      ]),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        width: 24,
        alarms: [
          this.backupFailedAlarm,
          this.verificationFailedAlarm,
          this.restoreFailedAlarm,
          ...Object.values(this.executionsFailedAlarms),
          this.missedBackupAlarm,
          ...Object.values(this.jobMissedBackupAlarms),
        ],
      }),
    );
  }
}
