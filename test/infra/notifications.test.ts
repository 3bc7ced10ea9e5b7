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
  // Act
  const topic = template.findResources('AWS::SNS::Topic')[topicId()] as { Properties: { KmsMasterKeyId: unknown } };
  const keyId = flat(topic.Properties.KmsMasterKeyId).replace(/^<|\.Arn>$|>$/g, '');
  const key = template.findResources('AWS::KMS::Key')[keyId] as { Properties: { EnableKeyRotation: boolean; Description: string } } | undefined;

  // Assess
  assert.ok(key, `topic key ${keyId} is a key in the stack`);
  assert.equal(key.Properties.EnableKeyRotation, true);
  assert.match(key.Properties.Description, /notification/);
});

const topicPolicyStatements = (): Statement[] =>
  Object.values(template.findResources('AWS::SNS::TopicPolicy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);

test('the topic policy denies publishing without TLS', () => {
  // Act
  const deny = topicPolicyStatements().find((s) => s.Effect === 'Deny');

  // Assess
  assert.deepEqual(deny?.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.deepEqual(list(deny?.Action as string | string[]), ['sns:Publish']);
});

test('the topic policy lets only this account\'s CloudWatch alarms in', () => {
  // Act
  const allow = topicPolicyStatements().filter((s) => s.Effect === 'Allow');

  // Assess
  assert.equal(allow.length, 1);
  assert.deepEqual(allow[0]?.Principal, { Service: 'cloudwatch.amazonaws.com' });
  assert.deepEqual(allow[0]?.Condition, { StringEquals: { 'aws:SourceAccount': '123456789012' } });
});

const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * The steps that publish outcome events: the finalize and mark-failed
 * functions of every workflow (backup, restore, verify), backup plan,
 * prune's apply-retention, prune and mark-failed, and the copy workflow's
 * mark-copy-failed (Copy Failed); their function and role ids.
 */
function publishers() {
  const { stack } = synth;
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
    stack.copyFunctions.functions.markFailed,
  ];
  const functions = publishing.map((haven) => logicalId(stack, haven.function)).sort();
  const roles = functions.map((id) => (resources[id]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]).sort();
  return { count: publishing.length, functions, roles, notificationKeyId: logicalId(stack, stack.notifications.key) };
}

test('each publishing step has a role of its own', () => {
  // Act
  const { count, roles } = publishers();

  // Assess
  assert.equal(new Set(roles).size, count, 'each publisher has its own role');
});

test('the publishing steps know the topic; no other function does', () => {
  // Prepare
  const expected = publishers();

  // Act
  const functions = template.findResources('AWS::Lambda::Function');
  const withTopic = Object.entries(functions)
    .filter(([, fn]) => (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment?.Variables?.[HavenEnv.NotificationTopicArn] !== undefined)
    .map(([id]) => id)
    .sort();

  // Assess
  assert.deepEqual(withTopic, expected.functions);
  for (const id of withTopic) {
    assert.deepEqual((functions[id] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables[HavenEnv.NotificationTopicArn], { Ref: topicId() }, id);
  }
});

test('the publishing steps may publish to the topic, through its key; no other role may', () => {
  // Prepare
  const { roles, notificationKeyId } = publishers();

  // Act
  const publishing = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && permissionsOf(template, id).some((p) => p.startsWith('sns:')));

  // Assess
  assert.deepEqual(publishing.map(([id]) => id).sort(), roles);
  for (const [roleId] of publishing) {
    // Publish on the topic, and the two data-key actions SNS takes for an encrypted topic on its key, through SNS only.
    assert.deepEqual(
      permissionsOf(template, roleId).filter((p) => p.startsWith('sns:') || p.includes(notificationKeyId)),
      [`kms:Decrypt on <${notificationKeyId}.Arn>${via('sns')}`, `kms:GenerateDataKey on <${notificationKeyId}.Arn>${via('sns')}`, `sns:Publish on <${topicId()}>`],
      roleId,
    );
  }
});

test('no role but the publishing steps\' may use the notification key', () => {
  // Prepare
  const { roles, notificationKeyId } = publishers();

  // Act
  const others = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !roles.includes(id));

  // Assess
  for (const [id] of others) assert.ok(!permissionsOf(template, id).some((p) => p.includes(notificationKeyId)), id);
});

test('e-mail and HTTPS subscriptions come from props, each address once', () => {
  // Act
  const t = standalone({ emailAddresses: ['ops@example.com', 'ops@example.com', 'dba@example.com'], httpsEndpoints: ['https://hooks.example.com/haven'] });

  // Assess
  t.resourceCountIs('AWS::SNS::Subscription', 3);
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'dba@example.com' });
  t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://hooks.example.com/haven' });
});

test('without subscription props the topic has no subscription', () => {
  // Act
  const t = standalone({});

  // Assess
  t.resourceCountIs('AWS::SNS::Subscription', 0);
});

test('the topic key lets CloudWatch alarms publish', () => {
  // Act
  const t = standalone({ emailAddresses: ['ops@example.com', 'ops@example.com', 'dba@example.com'], httpsEndpoints: ['https://hooks.example.com/haven'] });

  // Assess
  t.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
  });
});

test('plain-HTTP endpoints and malformed addresses are refused', () => {
  // Act
  const plainHttp = () => standalone({ httpsEndpoints: ['http://hooks.example.com'] });
  const malformed = () => standalone({ emailAddresses: ['not-an-address'] });

  // Assess
  assert.throws(plainHttp, InvalidPropsError);
  assert.throws(malformed, InvalidPropsError);
});
