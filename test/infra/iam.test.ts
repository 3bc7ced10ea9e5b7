/**
 * Least privilege across the stack: every IAM statement, the scheduler roles,
 * the function role, and the vault key's grant helpers.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CatalogAccess, CatalogTable } from '../../infra/constructs/catalog-table.js';
import { VaultAccess, VaultBucket } from '../../infra/constructs/vault-bucket.js';
import { VaultKey } from '../../infra/constructs/vault-key.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';
import { logicalId, pairs, permissionsOf, via } from './support/template.js';

const { stack, template } = synthHaven();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

interface FoundStatement {
  where: string;
  statement: Statement;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every identity-policy statement: AWS::IAM::Policy, AWS::IAM::ManagedPolicy and role/user/group inline policies. */
function identityStatements(): FoundStatement[] {
  const found: FoundStatement[] = [];
  const add = (where: string, document: unknown) => {
    for (const statement of list((document as { Statement?: Statement | Statement[] }).Statement)) found.push({ where, statement });
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') add(id, r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::User' || r.Type === 'AWS::IAM::Group') {
      for (const inline of list(r.Properties.Policies as { PolicyName: string; PolicyDocument: unknown }[])) {
        add(`${id}/${inline.PolicyName}`, inline.PolicyDocument);
      }
    }
  }
  return found;
}

/**
 * Actions AWS offers no resource-level scoping for, so their statements must
 * say `Resource: '*'`: X-Ray trace upload and sampling, and the CloudWatch
 * Logs vended-delivery actions Step Functions (and API Gateway) logging uses,
 * per the Step Functions "IAM policies for logging to CloudWatch Logs" docs.
 */
const UNSCOPABLE_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

test('the stack has identity policies to check', () => {
  // Act
  const statements = identityStatements();

  // Assess
  assert.ok(statements.length >= 3);
});

test('no statement allows Action "*" or "service:*", nor uses NotAction/NotResource', () => {
  // Act
  const statements = identityStatements();

  // Assess
  for (const { where, statement } of statements) {
    assert.equal(statement.NotAction, undefined, `${where} uses NotAction`);
    assert.equal(statement.NotResource, undefined, `${where} uses NotResource`);
    if (statement.Effect !== 'Allow') continue;
    for (const action of list(statement.Action)) {
      assert.notEqual(action, '*', `${where} allows every action`);
      assert.doesNotMatch(action, /^[a-z0-9-]+:\*$/i, `${where} allows every action of a service: ${action}`);
    }
  }
});

test('Resource "*" appears only with actions that have no resource scoping', () => {
  // Act
  const statements = identityStatements();

  // Assess
  for (const { where, statement } of statements) {
    if (statement.Effect !== 'Allow' || !list(statement.Resource).includes('*')) continue;
    for (const action of list(statement.Action)) {
      assert.ok(UNSCOPABLE_ACTIONS.has(action), `${where} grants ${action} on Resource "*"`);
    }
  }
});

test('no role carries AWS-managed policies, but the account\'s API Gateway CloudWatch role (the policy API Gateway documents for it)', () => {
  // Prepare
  const cloudWatchRoleId = logicalId(stack, stack.api.api.node.findChild('CloudWatchRole') as iam.Role);

  // Act
  const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');

  // Assess
  for (const [id, r] of roles) {
    if (id === cloudWatchRoleId) {
      assert.deepEqual(JSON.stringify(r.Properties.ManagedPolicyArns), JSON.stringify([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] }]));
      continue;
    }
    assert.equal(r.Properties.ManagedPolicyArns, undefined, id);
  }
});

/**
 * The scheduler roles and the workflow each may start: job schedules start
 * backups; the system schedules start retention-and-prune and the
 * verification sweep. Restores are started on request, never by a schedule.
 */
const SCHEDULER_ROLES: Record<string, string> = {
  [logicalId(stack, stack.scheduler.role)]: logicalId(stack, stack.backupWorkflow.stateMachine),
  [logicalId(stack, stack.retentionSchedule.role)]: logicalId(stack, stack.pruneWorkflow.stateMachine),
  [logicalId(stack, stack.verificationSweepSchedule.role)]: logicalId(stack, stack.verifyWorkflow.stateMachine),
};

test('scheduler roles: exactly three (job schedules, daily retention, weekly verification sweep)', () => {
  // Act
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'scheduler.amazonaws.com' } }] } },
  });

  // Assess
  assert.deepEqual(Object.keys(roles).sort(), Object.keys(SCHEDULER_ROLES).sort());
});

test('scheduler roles: each assumable only by scheduler.amazonaws.com for this account and group', () => {
  // Prepare
  const groupId = Object.keys(template.findResources('AWS::Scheduler::ScheduleGroup'))[0];
  for (const roleId of Object.keys(SCHEDULER_ROLES)) {
    // Act
    const trust = list((resources[roleId]?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement);

    // Assess
    assert.equal(trust.length, 1, roleId);
    assert.deepEqual(trust[0]?.Condition, {
      StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] } },
    }, roleId);
  }
});

test('scheduler roles: each may only StartExecution on its own workflow', () => {
  for (const [roleId, stateMachineId] of Object.entries(SCHEDULER_ROLES)) {
    // Act
    const attached = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    );
    const statements = attached.flatMap(([, r]) => list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement));

    // Assess
    assert.deepEqual(statements, [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId } }], roleId);
    assert.equal(resources[roleId]?.Properties.Policies, undefined, `${roleId}: no inline policies`);
  }
});

test('schedule group is named haven', () => {
  // Act
  const groups = template.findResources('AWS::Scheduler::ScheduleGroup');

  // Assess
  assert.ok(Object.keys(groups).length > 0);
  template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'haven' });
});

test('API function role: its log group, the catalog, starting the backup, restore and verify workflows and stopping backup and restore executions, the job schedules, reading the vault and deleting its snapshots; nothing else', () => {
  // Prepare
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'Haven API: every route of the REST API' } }))[0] as { Properties: { Role: { 'Fn::GetAtt': [string, string] }; LoggingConfig: { LogGroup: { Ref: string } } } };
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];

  // Act
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement));

  // Assess
  const services = new Set(statements.flatMap((st) => list(st.Action)).map((a) => a.split(':')[0]));
  assert.deepEqual([...services].sort(), ['dynamodb', 'iam', 'kms', 'logs', 's3', 'scheduler', 'states']);
  const passRole = statements.find((st) => list(st.Action).includes('iam:PassRole'));
  assert.match(JSON.stringify(passRole?.Resource), /SchedulerRole/, 'passes only the schedule role');
  const logs = statements.find((st) => list(st.Action).includes('logs:PutLogEvents'));
  for (const resource of list(logs?.Resource)) assert.match(JSON.stringify(resource), new RegExp(fn.Properties.LoggingConfig.LogGroup.Ref));
  const states = statements.filter((st) => list(st.Action).some((a) => a.startsWith('states:')));
  assert.deepEqual([...new Set(states.flatMap((st) => list(st.Action)))].sort(), ['states:StartExecution', 'states:StopExecution']);
  const start = JSON.stringify(states.filter((st) => list(st.Action).includes('states:StartExecution')).map((st) => st.Resource));
  for (const machine of [stack.backupWorkflow.stateMachine, stack.restoreWorkflow.stateMachine, stack.verifyWorkflow.stateMachine]) assert.ok(start.includes(logicalId(stack, machine)), 'starts backup, restore and verify');
  assert.ok(!start.includes(logicalId(stack, stack.pruneWorkflow.stateMachine)), 'never starts prune');
  const s3 = statements.filter((st) => list(st.Action).some((a) => a.startsWith('s3:')));
  assert.deepEqual([...new Set(s3.flatMap((st) => list(st.Action)))].sort(), ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket']);
  for (const st of s3.filter((x) => list(x.Action).includes('s3:DeleteObject'))) assert.match(JSON.stringify(st.Resource), /\/\*\/snapshots\/\*"/, 'deletes snapshots only');
  const vaultKey = statements.filter((st) => JSON.stringify(st.Resource).includes('VaultKey'));
  assert.deepEqual([...new Set(vaultKey.flatMap((st) => list(st.Action)))], ['kms:Decrypt'], 'unwraps with the vault key, never wraps');
});

test('VaultKey grants exactly GenerateDataKey+Decrypt (wrap) or Decrypt (unwrap) on the key itself', () => {
  // Prepare
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'KeyProbe');
  const vaultKey = new VaultKey(stack, 'VaultKey');
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  // Act
  vaultKey.grantWrapKeys(writer);
  vaultKey.grantUnwrapKeys(reader);

  // Assess
  const probe = Template.fromStack(stack);
  const keyArn = { 'Fn::GetAtt': [Object.keys(probe.findResources('AWS::KMS::Key'))[0], 'Arn'] };
  const statementsOf = (role: string) =>
    Object.values(probe.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .map((s) => ({ ...s, Action: list(s.Action).sort() }));
  assert.deepEqual(statementsOf('Writer'), [{ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: keyArn }]);
  assert.deepEqual(statementsOf('Reader'), [{ Action: ['kms:Decrypt'], Effect: 'Allow', Resource: keyArn }]);
});

/** A stack of its own with a vault bucket and its key, and a role maker. */
function vaultProbe() {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'VaultProbe');
  const vaultKey = new VaultKey(stack, 'VaultKey');
  const vault = new VaultBucket(stack, 'Vault', { encryptionKey: vaultKey.key });
  const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, vaultKey, vault, role };
}

test('VaultBucket.grantVault: each level\'s object actions on every vault of the bucket (jobs pick vault paths at run time), ListBucket on the bucket, its key actions; staging deletes only when asked', () => {
  // Prepare
  const { stack, vaultKey, vault, role } = vaultProbe();
  const reader = role('Reader');
  const writer = role('Writer');
  const stager = role('Stager');
  const pruner = role('Pruner');
  const nobody = role('Nobody');

  // Act
  vault.grantVault(reader, VaultAccess.Read, { prefix: 'vaults/main' });
  vault.grantVault(writer, VaultAccess.Write, { prefix: 'vaults/main' });
  vault.grantVault(stager, VaultAccess.Read, { prefix: 'vaults/main', clearStaging: true });
  vault.grantVault(pruner, VaultAccess.Prune, { prefix: 'vaults/main', objectLock: true });
  const none = vault.grantVault(nobody, VaultAccess.None);

  // Assess
  assert.equal(none, undefined);
  const probe = Template.fromStack(stack);
  const bucket = `<${logicalId(stack, vault.bucket)}.Arn>`;
  const key = `<${logicalId(stack, vaultKey.key)}.Arn>`;
  const objects = `${bucket}/*`;
  const of = (r: iam.Role) => permissionsOf(probe, logicalId(stack, r));
  assert.deepEqual(of(reader), [`kms:Decrypt on ${key}`, `s3:GetObject on ${objects}`, `s3:ListBucket on ${bucket}`]);
  assert.deepEqual(of(writer), [...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [key]), ...pairs(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], [objects]), `s3:ListBucket on ${bucket}`].sort());
  assert.deepEqual(of(stager), [`kms:Decrypt on ${key}`, `s3:DeleteObject on ${bucket}/*/staging/*`, `s3:GetObject on ${objects}`, `s3:ListBucket on ${bucket}`]);
  assert.deepEqual(of(pruner), [...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [key]), ...pairs(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectRetention', 's3:PutObject', 's3:PutObjectRetention'], [objects]), `s3:ListBucket on ${bucket}`].sort());
  assert.deepEqual(of(nobody), []);
});

test('VaultBucket.grantVault: bad prefixes are refused', () => {
  // Prepare
  const { vault, role } = vaultProbe();
  const reader = role('Reader');
  for (const bad of ['', '*', 'vault/*', '/vault', 'vault/', 'a//b']) {
    // Act
    const grant = () => vault.grantVault(reader, VaultAccess.Read, { prefix: bad });

    // Assess
    assert.throws(grant, InvalidPropsError, JSON.stringify(bad));
  }
});

test('VaultBucket.grantVault: clearing staging without access is refused', () => {
  // Prepare
  const { vault, role } = vaultProbe();
  const nobody = role('Nobody');

  // Act
  const grant = () => vault.grantVault(nobody, VaultAccess.None, { clearStaging: true });

  // Assess
  assert.throws(grant, InvalidPropsError);
});

test('CatalogTable.grant: each level\'s item actions on the table, Query on gsi1 and gsi2 only, kms:Decrypt on the table\'s key through DynamoDB only; none grants nothing', () => {
  // Prepare
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'CatalogProbe', { env: { account: '123456789012', region: 'us-east-1' } });
  const catalog = new CatalogTable(stack, 'Catalog');
  const roles = Object.fromEntries(Object.values(CatalogAccess).map((level) => [level, new iam.Role(stack, `Role${level}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })]));

  // Act
  for (const [level, r] of Object.entries(roles)) catalog.grant(r, level as CatalogAccess);

  // Assess
  const probe = Template.fromStack(stack);
  const table = `<${logicalId(stack, catalog.table)}.Arn>`;
  const common = [...pairs(['dynamodb:Query'], [`${table}/index/gsi1`, `${table}/index/gsi2`]), `kms:Decrypt on <${logicalId(stack, catalog.encryptionKey)}.Arn>${via('dynamodb')}`];
  const of = (level: CatalogAccess) => permissionsOf(probe, logicalId(stack, roles[level]!));
  assert.deepEqual(of(CatalogAccess.None), []);
  assert.deepEqual(of(CatalogAccess.Read), [`dynamodb:GetItem on ${table}`, ...common].sort());
  assert.deepEqual(of(CatalogAccess.ReadWrite), [...pairs(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table]), ...common].sort());
  assert.deepEqual(of(CatalogAccess.Manage), [...pairs(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table]), ...common].sort());
});
