/** The dashboard and alarms: what they watch, their thresholds, and that they notify the topic. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HavenMonitoring, missedBackupEvaluation, type HavenMonitoringProps } from '../../infra/constructs/monitoring.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';
import { flat, logicalId } from './support/template.js';

const { template, stack } = synthHaven();

interface AlarmProps {
  MetricName: string;
  Namespace: string;
  Dimensions: Array<{ Name: string; Value: unknown }>;
  Statistic: string;
  Period: number;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  AlarmActions: unknown[];
}

function alarms(t: Template = template): AlarmProps[] {
  return Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: AlarmProps }).Properties);
}

const alarmOn = (metric: string, t?: Template) => alarms(t).filter((a) => a.MetricName === metric);

function standalone(props: Omit<HavenMonitoringProps, 'alarmTopic'>): Template {
  const stack = new Stack(new App(), 'M');
  new HavenMonitoring(stack, 'Monitoring', { alarmTopic: new sns.Topic(stack, 'Topic'), ...props });
  return Template.fromStack(stack);
}

test('failed backups, verifications and restores alarm on the first one in 5 minutes', () => {
  for (const metric of ['BackupFailed', 'VerificationFailed', 'RestoreFailed']) {
    // Act
    const [alarm, ...more] = alarmOn(metric);

    // Assess
    assert.ok(alarm, metric);
    assert.equal(more.length, 0);
    assert.equal(alarm.Namespace, 'Haven');
    assert.deepEqual(alarm.Dimensions, [{ Name: 'service', Value: 'haven' }]);
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
  }
});

test('missed backup: no success in 1.5 x one day (36 one-hour periods, all of them, silence breaching)', () => {
  // Act
  const [alarm] = alarmOn('BackupSucceeded');

  // Assess
  assert.ok(alarm);
  assert.equal(alarm.Period, 3600);
  assert.equal(alarm.EvaluationPeriods, 36);
  assert.equal(alarm.DatapointsToAlarm, 36);
  assert.equal(alarm.Threshold, 1);
  assert.equal(alarm.ComparisonOperator, 'LessThanThreshold');
  assert.equal(alarm.TreatMissingData, 'breaching');
});

test('each state machine (backup, restore, verify, prune, copy) has an alarm on its first failed execution in 5 minutes', () => {
  // Prepare
  const machines = [stack.backupWorkflow, stack.restoreWorkflow, stack.verifyWorkflow, stack.pruneWorkflow, stack.copyWorkflow].map((w) => logicalId(stack, w.stateMachine));

  // Act
  const failed = alarmOn('ExecutionsFailed');

  // Assess
  assert.equal(failed.length, machines.length);
  const watched = failed.map((alarm) => {
    assert.equal(alarm.Namespace, 'AWS/States');
    assert.equal(alarm.Statistic, 'Sum');
    assert.equal(alarm.Period, 300);
    assert.equal(alarm.Threshold, 1);
    assert.equal(alarm.EvaluationPeriods, 1);
    assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
    assert.equal(alarm.TreatMissingData, 'notBreaching');
    assert.deepEqual(alarm.Dimensions.map((d) => d.Name), ['StateMachineArn']);
    return flat(alarm.Dimensions[0]!.Value);
  });
  assert.deepEqual(watched.sort(), machines.map((id) => `<${id}>`).sort());
});

test('every alarm notifies the notification topic', () => {
  // Prepare
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));

  // Act
  const all = alarms();

  // Assess
  assert.equal(topics.length, 1);
  assert.equal(all.length, 4 + 5, 'three failure alarms, the missed-backup alarm, five workflow alarms');
  for (const alarm of all) assert.deepEqual(alarm.AlarmActions.map(flat), [`<${topics[0]}>`]);
});

test('the dashboard graphs backups, bytes, durations and failures, and shows the alarms', () => {
  // Act
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Array<{ Properties: { DashboardBody: unknown } }>;

  // Assess
  assert.ok(dashboard);
  const body = flat(dashboard.Properties.DashboardBody);
  for (const title of ['Backups (per hour)', 'Bytes (per hour)', 'Durations (seconds)', 'Failures (per hour)', 'Alarms']) assert.ok(body.includes(`"title":"${title}"`), title);
  for (const metric of ['BackupSucceeded', 'BackupFailed', 'BytesRead', 'BytesNew', 'BytesStored', 'BackupDuration', 'RestoreDuration', 'VerificationFailed']) assert.ok(body.includes(`"${metric}"`), metric);
});

/** Monitoring expecting a backup an hour, and one job backed up every 6 hours. */
const HOURLY_WITH_ONE_JOB = { expectedBackupInterval: Duration.hours(1), jobSchedules: [{ jobId: 'job_hourly', interval: Duration.hours(6) }] };

test('per-job missed-backup alarms use the job dimension and their own interval', () => {
  // Prepare
  const t = standalone(HOURLY_WITH_ONE_JOB);

  // Act
  const missed = alarmOn('BackupSucceeded', t);

  // Assess
  assert.equal(missed.length, 2);
  const job = missed.find((a) => a.Dimensions.some((d) => d.Name === 'job'))!;
  assert.deepEqual([...job.Dimensions].sort((a, b) => a.Name.localeCompare(b.Name)), [{ Name: 'job', Value: 'job_hourly' }, { Name: 'service', Value: 'haven' }]);
  assert.equal(job.EvaluationPeriods, 108, '9 hours of 5-minute periods');
});

test('the deployment\'s missed-backup alarm follows the expected backup interval', () => {
  // Prepare
  const t = standalone(HOURLY_WITH_ONE_JOB);

  // Act
  const deployment = alarmOn('BackupSucceeded', t).find((a) => a.Dimensions.length === 1)!;

  // Assess
  assert.equal(deployment.Period, 300);
  assert.equal(deployment.EvaluationPeriods, 18, '90 minutes of 5-minute periods');
});

test('four days is a window CloudWatch evaluates: 144 periods', () => {
  // Act
  const evaluation = missedBackupEvaluation(Duration.days(4));

  // Assess
  assert.deepEqual(evaluation.evaluationPeriods, 144);
});

test('windows CloudWatch cannot evaluate are refused', () => {
  // Act
  const evaluate = () => missedBackupEvaluation(Duration.days(5));

  // Assess
  assert.throws(evaluate, InvalidPropsError);
});

test('duplicate jobs are refused', () => {
  // Act
  const monitoring = () => standalone({ jobSchedules: [{ jobId: 'a', interval: Duration.days(1) }, { jobId: 'a', interval: Duration.days(1) }] });

  // Assess
  assert.throws(monitoring, InvalidPropsError);
});
