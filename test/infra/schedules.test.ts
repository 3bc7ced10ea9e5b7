/**
 * Schedules in CDK: Haven's own schedules (SystemSchedule), and what the
 * API function gets to keep job schedules in step (grantManageSchedules,
 * scheduleEnvironment). cdk-nag stays clean with both.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { SCHEDULE_ENV } from '../../control/schedules/env.js';
import { SystemSchedule } from '../../infra/constructs/system-schedule.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';
import { list, logicalId, type Statement } from './support/template.js';

let apiRole: iam.Role | undefined;
const { stack, template, nag } = synthHaven({
  extend: (haven) => {
    apiRole = new iam.Role(haven, 'ApiTestRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    haven.scheduler.grantManageSchedules(apiRole);
    haven.scheduler.addSystemSchedule('WeeklySweep', {
      expression: 'cron(0  3 ? * SUN *)',
      timezone: 'america/toronto',
      stateMachine: haven.backupWorkflow.stateMachine,
      input: { sweep: 'verification' },
      description: 'Weekly verification sweep',
      flexibleWindowMinutes: 30,
    });
  },
});
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

function policyStatements(roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => list((r.Properties.PolicyDocument as { Statement: Statement | Statement[] }).Statement));
}

test('SystemSchedule: one schedule in Haven\'s group with a canonical expression and zone, the target machine, input, window and retries', () => {
  const groupId = logicalId(stack, stack.scheduler.scheduleGroup);
  const machineId = logicalId(stack, stack.backupWorkflow.stateMachine);
  const sweep = stack.node.findAll().find((c): c is SystemSchedule => c instanceof SystemSchedule && c.node.id === 'WeeklySweep')!;
  const scheduleId = logicalId(stack, sweep.schedule);
  const schedule = resources[scheduleId]!;
  const roleId = logicalId(stack, sweep.role);
  assert.deepEqual(schedule.Properties, {
    GroupName: { Ref: groupId },
    Description: 'Weekly verification sweep',
    ScheduleExpression: 'cron(0 3 ? * SUN *)',
    ScheduleExpressionTimezone: 'America/Toronto',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 30 },
    Target: {
      Arn: { Ref: machineId },
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Input: '{"sweep":"verification"}',
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
    },
  });
  const dependsOn = (template.toJSON().Resources[scheduleId] as { DependsOn?: string[] }).DependsOn ?? [];
  assert.ok(dependsOn.some((id) => id.startsWith(roleId)), 'the schedule waits for its role and policy');
});

test('SystemSchedule role: assumable only by Scheduler for this account and group, may only StartExecution on its machine', () => {
  const sweep = stack.node.findAll().find((c): c is SystemSchedule => c instanceof SystemSchedule && c.node.id === 'WeeklySweep')!;
  const roleId = logicalId(stack, sweep.role);
  const trust = list((resources[roleId]!.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement);
  assert.deepEqual(trust, [
    {
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, stack.scheduler.scheduleGroup), 'Arn'] } } },
    },
  ]);
  assert.deepEqual(policyStatements(roleId), [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: logicalId(stack, stack.backupWorkflow.stateMachine) } }]);
});

test('grantManageSchedules: Create/Update/Delete/GetSchedule on schedule/<group>/* and PassRole on the schedule role only', () => {
  const statements = policyStatements(logicalId(stack, apiRole!));
  assert.deepEqual(statements, [
    {
      Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
      Effect: 'Allow',
      Resource: 'arn:aws:scheduler:us-east-1:123456789012:schedule/haven/*',
    },
    { Action: 'iam:PassRole', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(stack, stack.scheduler.role), 'Arn'] } },
  ]);
});

test('scheduleEnvironment names the group, the schedule role and the backup state machine', () => {
  const env = stack.resolve(stack.scheduler.scheduleEnvironment()) as Record<string, unknown>;
  assert.deepEqual(env, {
    [SCHEDULE_ENV.groupName]: 'haven',
    [SCHEDULE_ENV.roleArn]: { 'Fn::GetAtt': [logicalId(stack, stack.scheduler.role), 'Arn'] },
    [SCHEDULE_ENV.stateMachineArn]: { Ref: logicalId(stack, stack.backupWorkflow.stateMachine) },
  });
});

test('cdk-nag: clean with a system schedule and the schedule-management grant', () => {
  const report = nag.validateScope(stack);
  assert.deepEqual(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`), []);
});

test('SystemSchedule refuses an invalid expression, zone or window at synth time', () => {
  const scope = new Stack();
  const group = new scheduler.CfnScheduleGroup(scope, 'Group', { name: 'g' });
  const stateMachine = sfn.StateMachine.fromStateMachineArn(scope, 'Machine', 'arn:aws:states:us-east-1:123456789012:stateMachine:m');
  const base = { group, stateMachine, input: {} };
  assert.throws(() => new SystemSchedule(scope, 'A', { ...base, expression: 'cron(0 3 * * * *)' }), InvalidPropsError);
  assert.throws(() => new SystemSchedule(scope, 'B', { ...base, expression: 'rate(0 days)' }), InvalidPropsError);
  assert.throws(() => new SystemSchedule(scope, 'C', { ...base, expression: 'rate(1 day)', timezone: 'Nowhere/Special' }), InvalidPropsError);
  assert.throws(() => new SystemSchedule(scope, 'D', { ...base, expression: 'rate(1 day)', flexibleWindowMinutes: 2000 }), InvalidPropsError);
  const ok = new SystemSchedule(scope, 'E', { ...base, expression: 'rate(1 days)', enabled: false });
  assert.equal(ok.schedule.scheduleExpression, 'rate(1 day)');
  assert.equal(ok.schedule.state, 'DISABLED');
  assert.equal(ok.schedule.scheduleExpressionTimezone, 'UTC');
});
