/**
 * The stack's own schedules: the daily retention-and-prune run and the
 * weekly verification sweep, each in Haven's group, each starting exactly
 * its workflow with the documented input, under a role that may start
 * nothing else. Their timing and the sweep's level come from props.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_RETENTION_SCHEDULE, DEFAULT_VERIFICATION_SWEEP_SCHEDULE } from '../../infra/haven-stack.js';
import { synthHaven } from './support/haven-app.js';
import { list, logicalId, type Statement } from './support/template.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function startGrants(resources: Resources, roleId: string): Array<{ actions: string[]; resources: unknown[] }> {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => list((r.Properties.PolicyDocument as { Statement: Statement | Statement[] }).Statement))
    .map((s) => ({ actions: list(s.Action), resources: list(s.Resource) }));
}

test('defaults: retention daily at 03:00 UTC into the prune workflow, the sweep on Sundays 05:00 UTC into the verify workflow at checksum level', () => {
  // Prepare
  const { stack, template } = synthHaven();
  const resources = template.toJSON().Resources as Resources;
  const cases = [
    { schedule: stack.retentionSchedule, machine: stack.pruneWorkflow, timing: DEFAULT_RETENTION_SCHEDULE, input: {} },
    { schedule: stack.verificationSweepSchedule, machine: stack.verifyWorkflow, timing: DEFAULT_VERIFICATION_SWEEP_SCHEDULE, input: { sweep: { level: 'checksum', scope: 'latest' } } },
  ];
  for (const { schedule, machine, timing, input } of cases) {
    // Act
    const props = resources[logicalId(stack, schedule.schedule)]!.Properties;

    // Assess
    assert.deepEqual(props.GroupName, { Ref: logicalId(stack, stack.scheduler.scheduleGroup) });
    assert.equal(props.ScheduleExpression, timing.expression);
    assert.equal(props.ScheduleExpressionTimezone, timing.timezone);
    assert.equal(props.State, 'ENABLED');
    const target = props.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    assert.deepEqual(target.Arn, { Ref: logicalId(stack, machine.stateMachine) });
    assert.deepEqual(JSON.parse(target.Input), input);
    const roleId = logicalId(stack, schedule.role);
    assert.deepEqual(target.RoleArn, { 'Fn::GetAtt': [roleId, 'Arn'] });
    assert.deepEqual(startGrants(resources, roleId), [{ actions: ['states:StartExecution'], resources: [{ Ref: logicalId(stack, machine.stateMachine) }] }]);
  }
});

/** The stack with both schedules moved and a sample sweep: synthesized once, only read by the tests below. */
const moved = synthHaven({
  props: {
    retentionSchedule: { expression: 'cron(30 1 * * ? *)', timezone: 'America/Toronto' },
    verificationSweepSchedule: { expression: 'rate(3 days)', timezone: 'UTC' },
    verificationSweepLevel: 'sample',
  },
});
const movedResources = moved.template.toJSON().Resources as Resources;

test('props move both schedules', () => {
  // Act
  const retention = movedResources[logicalId(moved.stack, moved.stack.retentionSchedule.schedule)]!.Properties;
  const sweep = movedResources[logicalId(moved.stack, moved.stack.verificationSweepSchedule.schedule)]!.Properties;

  // Assess
  assert.equal(retention.ScheduleExpression, 'cron(30 1 * * ? *)');
  assert.equal(retention.ScheduleExpressionTimezone, 'America/Toronto');
  assert.equal(sweep.ScheduleExpression, 'rate(3 days)');
});

test('props pick the sweep level; a sample sweep reads a tenth of the packs', () => {
  // Act
  const sweep = movedResources[logicalId(moved.stack, moved.stack.verificationSweepSchedule.schedule)]!.Properties;

  // Assess
  assert.deepEqual(JSON.parse((sweep.Target as { Input: string }).Input), { sweep: { level: 'sample', scope: 'latest', sample_percent: 10 } });
});
