/**
 * The account-wide names a stack claims (key aliases, schedule group) derive
 * from its name, so two Haven stacks can live in one account and region;
 * everything that uses them (the API function's environment, the scheduler
 * and system schedule roles' policies) reads the same value; props override.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SCHEDULE_ENV } from '../../control/schedules/env.js';
import { HavenStack } from '../../infra/haven-stack.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { havenNames } from '../../infra/names.js';
import { cdkJsonContext, synthHaven, TEST_ENV } from './support/haven-app.js';
import { flat, logicalId, permissionsOf } from './support/template.js';

/** Two stacks in one app, as two deployments in one account would be. */
function twoStacks() {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const first = new HavenStack(app, 'Haven', { env: TEST_ENV });
  const second = new HavenStack(app, 'HavenStaging', { env: TEST_ENV });
  return [first, second].map((stack) => ({ stack, template: Template.fromStack(stack) }));
}

const claimed = (template: Template) => ({
  aliases: Object.values(template.findResources('AWS::KMS::Alias')).map((a) => (a as { Properties: { AliasName: string } }).Properties.AliasName).sort(),
  groups: Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')).map((g) => (g as { Properties: { Name: string } }).Properties.Name),
});

test('the default stack keeps the names earlier releases used (renaming the group would replace it, and every job schedule in it)', () => {
  // Act
  const { template } = synthHaven();

  // Assess
  assert.deepEqual(claimed(template), { aliases: ['alias/haven-catalog', 'alias/haven-vault'], groups: ['haven'] });
});

test('a second stack in the same account claims names of its own', () => {
  // Act
  const [first, second] = twoStacks();

  // Assess
  assert.deepEqual(claimed(second!.template), { aliases: ['alias/havenstaging-catalog', 'alias/havenstaging-vault'], groups: ['havenstaging'] });
  const a = claimed(first!.template);
  const b = claimed(second!.template);
  for (const alias of b.aliases) assert.ok(!a.aliases.includes(alias), alias);
  assert.notDeepEqual(a.groups, b.groups);
});

test('everything that uses the schedule group reads the stack\'s one value: the API function\'s environment and schedule-management policy, and the schedule roles\' trust', () => {
  // Act
  const [, { stack, template }] = twoStacks() as [unknown, { stack: HavenStack; template: Template }];

  // Assess
  assert.equal(stack.scheduler.scheduleGroupName, stack.names.scheduleGroupName);
  const env = (template.toJSON().Resources[logicalId(stack, stack.apiFunction.fn.function)].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
  assert.equal(env[SCHEDULE_ENV.groupName], 'havenstaging');
  const api = permissionsOf(template, logicalId(stack, stack.apiFunction.fn.role)).filter((p) => p.startsWith('scheduler:'));
  assert.ok(api.length > 0);
  for (const p of api) assert.match(p, / on arn:aws:scheduler:us-east-1:123456789012:schedule\/havenstaging\/\*$/, p);
  const groupId = logicalId(stack, stack.scheduler.scheduleGroup);
  for (const role of [stack.scheduler.role, stack.retentionSchedule.role, stack.verificationSweepSchedule.role]) {
    const trust = JSON.stringify((template.toJSON().Resources[logicalId(stack, role)].Properties as { AssumeRolePolicyDocument: unknown }).AssumeRolePolicyDocument);
    assert.ok(trust.includes(`"${groupId}"`), role.node.path);
  }
  for (const schedule of [stack.retentionSchedule.schedule, stack.verificationSweepSchedule.schedule]) assert.equal(flat(stack.resolve(schedule.groupName)), `<${groupId}>`);
});

test('props override each name', () => {
  // Prepare
  const props = { vaultKeyAlias: 'alias/acme-vault', catalogKeyAlias: 'alias/acme-catalog', scheduleGroupName: 'acme' };

  // Act
  const { template, stack } = synthHaven({ props });

  // Assess
  assert.deepEqual(claimed(template), { aliases: ['alias/acme-catalog', 'alias/acme-vault'], groups: ['acme'] });
  assert.equal(stack.names.scheduleGroupName, 'acme');
});

test('names derive from the stack name, in lower case', () => {
  // Act
  const names = havenNames('Orders-Backup');

  // Assess
  assert.deepEqual(names, { vaultKeyAlias: 'alias/orders-backup-vault', catalogKeyAlias: 'alias/orders-backup-catalog', scheduleGroupName: 'orders-backup' });
});

test('names a service would refuse are InvalidPropsError', () => {
  // Act
  const tooLong = () => havenNames(`H${'a'.repeat(64)}`);
  const noAliasPrefix = () => havenNames('Haven', { vaultKeyAlias: 'haven-vault' });
  const awsAlias = () => havenNames('Haven', { catalogKeyAlias: 'alias/aws/dynamodb' });
  const spaced = () => havenNames('Haven', { scheduleGroupName: 'a group' });

  // Assess
  assert.throws(tooLong, InvalidPropsError, 'a schedule group name over 64 characters');
  assert.throws(noAliasPrefix, InvalidPropsError, 'no alias/ prefix');
  assert.throws(awsAlias, InvalidPropsError, 'alias/aws/ is AWS\'s');
  assert.throws(spaced, InvalidPropsError);
});

test('a stack name too long for a schedule group is fine when props name the group', () => {
  // Act
  const names = () => havenNames(`H${'a'.repeat(64)}`, { scheduleGroupName: 'haven-long' });

  // Assess
  assert.doesNotThrow(names);
});
