/** The notification topic: encryption, TLS-only policy, subscriptions, and who may publish. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HavenEnv } from '../../control/env.js';
import { HavenNotifications } from '../../infra/constructs/notifications.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';
import { flat, list, logicalId, permissionsOf, via, type Statement } from './support/template.js';

const synth = synthHaven({ context: {} });
const { template } = synth;

function standalone(props: ConstructorParameters<typeof HavenNotifications>[2]): Template {
  const stack = new Stack(new App(), 'N', { env: { account: '123456789012', region: 'us-east-1' } });
  new HavenNotifications(stack, 'Notifications', props);
  return Template.fromStack(stack);
}

const topicId = () => {
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
  assert.equal(topics.length, 1, 'one topic');
  return topics[0]!;
};

test('the topic is encrypted with its own rotating KMS key', () => {
  const topic = template.findResources('AWS::SNS::Topic')[topicId()] as { Properties: { KmsMasterKeyId: unknown } };
  const keyId = flat(topic.Properties.KmsMasterKeyId).replace(/^<|\.Arn>$|>$/g, '');
  const key = template.findResources('AWS::KMS::Key')[keyId] as { Properties: { EnableKeyRotation: boolean; Description: string } } | undefined;
  assert.ok(key, `topic key ${keyId} is a key in the stack`);
  assert.equal(key.Properties.EnableKeyRotation, true);
  assert.match(key.Properties.Description, /notification/);
});

test('the topic policy denies publishing without TLS and lets only this account\'s CloudWatch alarms in', () => {
  const policies = template.findResources('AWS::SNS::TopicPolicy');
  const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  const deny = statements.find((s) => s.Effect === 'Deny');
  assert.deepEqual(deny?.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.deepEqual(list(deny?.Action as string | string[]), ['sns:Publish']);
  const allow = statements.filter((s) => s.Effect === 'Allow');
  assert.equal(allow.length, 1);
  assert.deepEqual(allow[0]?.Principal, { Service: 'cloudwatch.amazonaws.com' });
  assert.deepEqual(allow[0]?.Condition, { StringEquals: { 'aws:SourceAccount': '123456789012' } });
});

test('the finalize and mark-failed functions of every workflow (backup, restore, verify), backup plan, and prune\'s apply-retention, prune and mark-failed, know the topic and may publish to it; no other function does', () => {
  const { stack } = synth;
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  // The steps that publish outcome events, written out independently of each step table's `events` flag:
  // backup plan too (a failed plan records the failure and publishes Backup Failed itself).
  const publishing = [
    stack.backupFunctions.functions.plan,
    stack.backupFunctions.functions.finalize,
    stack.backupFunctions.functions.markFailed,
    stack.restoreFunctions.functions.finalize,
    stack.restoreFunctions.functions.markFailed,
    stack.verifyFunctions.functions.finalize,
    stack.verifyFunctions.functions.markFailed,
    stack.pruneFunctions.functions.applyRetention,
    stack.pruneFunctions.functions.prune,
    stack.pruneFunctions.functions.markFailed,
  ];
  const expectedFunctions = publishing.map((haven) => logicalId(stack, haven.function)).sort();
  const expectedRoles = expectedFunctions.map((id) => (resources[id]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]).sort();
  assert.equal(new Set(expectedRoles).size, publishing.length, 'each publisher has its own role');

  const functions = template.findResources('AWS::Lambda::Function');
  const withTopic = Object.entries(functions)
    .filter(([, fn]) => (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment?.Variables?.[HavenEnv.NotificationTopicArn] !== undefined)
    .map(([id]) => id)
    .sort();
  assert.deepEqual(withTopic, expectedFunctions);
  for (const id of withTopic) {
    assert.deepEqual((functions[id] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables[HavenEnv.NotificationTopicArn], { Ref: topicId() }, id);
  }

  const notificationKeyId = logicalId(stack, stack.notifications.key);
  const publishers = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && permissionsOf(template, id).some((p) => p.startsWith('sns:')));
  assert.deepEqual(publishers.map(([id]) => id).sort(), expectedRoles);
  for (const [roleId] of publishers) {
    // Publish on the topic, and the two data-key actions SNS takes for an encrypted topic on its key, through SNS only.
    assert.deepEqual(
      permissionsOf(template, roleId).filter((p) => p.startsWith('sns:') || p.includes(notificationKeyId)),
      [`kms:Decrypt on <${notificationKeyId}.Arn>${via('sns')}`, `kms:GenerateDataKey on <${notificationKeyId}.Arn>${via('sns')}`, `sns:Publish on <${topicId()}>`],
      roleId,
    );
  }
  // Nothing else may use the notification key.
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role' || expectedRoles.includes(id)) continue;
    assert.ok(!permissionsOf(template, id).some((p) => p.includes(notificationKeyId)), id);
  }
});

test('e-mail and HTTPS subscriptions come from props', () => {
  const t = standalone({ emailAddresses: ['ops@example.com', 'ops@example.com', 'dba@example.com'], httpsEndpoints: ['https://hooks.example.com/haven'] });
  t.resourceCountIs('AWS::SNS::Subscription', 3);
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'dba@example.com' });
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://hooks.example.com/haven' });
  t.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
  });
  standalone({}).resourceCountIs('AWS::SNS::Subscription', 0);
});

test('plain-HTTP endpoints and malformed addresses are refused', () => {
  assert.throws(() => standalone({ httpsEndpoints: ['http://hooks.example.com'] }), InvalidPropsError);
  assert.throws(() => standalone({ emailAddresses: ['not-an-address'] }), InvalidPropsError);
});
