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

const { stack, template, nag } = synthHaven({
  extend: (haven) => {
    const role = new iam.Role(haven, 'ApiTestRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    haven.scheduler.grantManageSchedules(role);
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
/** The role the stack above granted schedule management. */
const apiRole = stack.node.findChild('ApiTestRole') as iam.Role;
/** The system schedule the stack above added. */
const sweep = stack.node.findAll().find((c): c is SystemSchedule => c instanceof SystemSchedule && c.node.id === 'WeeklySweep')!;

function policyStatements(roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => list((r.Properties.PolicyDocument as { Statement: Statement | Statement[] }).Statement));
}

test('SystemSchedule: one schedule in Haven\'s group with a canonical expression and zone, the target machine, input, window and retries', () => {
  // Prepare
  const groupId = logicalId(stack, stack.scheduler.scheduleGroup);
  const machineId = logicalId(stack, stack.backupWorkflow.stateMachine);
  const roleId = logicalId(stack, sweep.role);

  // Act
  const schedule = resources[logicalId(stack, sweep.schedule)]!;

  // Assess
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
});

test('SystemSchedule: the schedule waits for its role and policy', () => {
  // Prepare
  const roleId = logicalId(stack, sweep.role);

  // Act
  const dependsOn = (template.toJSON().Resources[logicalId(stack, sweep.schedule)] as { DependsOn?: string[] }).DependsOn ?? [];

  // Assess
  assert.ok(dependsOn.some((id) => id.startsWith(roleId)), 'the schedule waits for its role and policy');
});

test('SystemSchedule role: assumable only by Scheduler for this account and group', () => {
  // Prepare
  const roleId = logicalId(stack, sweep.role);

  // Act
  const trust = list((resources[roleId]!.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement);

  // Assess
  assert.deepEqual(trust, [
    {
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, stack.scheduler.scheduleGroup), 'Arn'] } } },
    },
  ]);
});

test('SystemSchedule role: may only StartExecution on its machine', () => {
  // Prepare
  const roleId = logicalId(stack, sweep.role);

  // Act
  const statements = policyStatements(roleId);

  // Assess
  assert.deepEqual(statements, [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: logicalId(stack, stack.backupWorkflow.stateMachine) } }]);
});

test('grantManageSchedules: Create/Update/Delete/GetSchedule on schedule/<group>/* and PassRole on the schedule role only', () => {
  // Act
  const statements = policyStatements(logicalId(stack, apiRole));

  // Assess
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
  // Act
  const env = stack.resolve(stack.scheduler.scheduleEnvironment()) as Record<string, unknown>;

  // Assess
  assert.deepEqual(env, {
    [SCHEDULE_ENV.groupName]: 'haven',
    [SCHEDULE_ENV.roleArn]: { 'Fn::GetAtt': [logicalId(stack, stack.scheduler.role), 'Arn'] },
    [SCHEDULE_ENV.stateMachineArn]: { Ref: logicalId(stack, stack.backupWorkflow.stateMachine) },
  });
});

test('cdk-nag: clean with a system schedule and the schedule-management grant', () => {
  // Act
  const report = nag.validateScope(stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`), []);
});

/** A scope of its own with a schedule group and a state machine: what a SystemSchedule needs. */
function scheduleProbe() {
  const scope = new Stack();
  const group = new scheduler.CfnScheduleGroup(scope, 'Group', { name: 'g' });
  const stateMachine = sfn.StateMachine.fromStateMachineArn(scope, 'Machine', 'arn:aws:states:us-east-1:123456789012:stateMachine:m');
  return { scope, base: { group, stateMachine, input: {} } };
}

test('SystemSchedule refuses an invalid expression, zone or window at synth time', () => {
  // Prepare
  const { scope, base } = scheduleProbe();

  // Act
  const badCron = () => new SystemSchedule(scope, 'A', { ...base, expression: 'cron(0 3 * * * *)' });
  const zeroRate = () => new SystemSchedule(scope, 'B', { ...base, expression: 'rate(0 days)' });
  const badZone = () => new SystemSchedule(scope, 'C', { ...base, expression: 'rate(1 day)', timezone: 'Nowhere/Special' });
  const wideWindow = () => new SystemSchedule(scope, 'D', { ...base, expression: 'rate(1 day)', flexibleWindowMinutes: 2000 });

  // Assess
  assert.throws(badCron, InvalidPropsError);
  assert.throws(zeroRate, InvalidPropsError);
  assert.throws(badZone, InvalidPropsError);
  assert.throws(wideWindow, InvalidPropsError);
});

test('SystemSchedule writes its expression canonically, in UTC unless told, disabled when asked', () => {
  // Prepare
  const { scope, base } = scheduleProbe();

  // Act
  const ok = new SystemSchedule(scope, 'E', { ...base, expression: 'rate(1 days)', enabled: false });

  // Assess
  assert.equal(ok.schedule.scheduleExpression, 'rate(1 day)');
  assert.equal(ok.schedule.state, 'DISABLED');
  assert.equal(ok.schedule.scheduleExpressionTimezone, 'UTC');
});
