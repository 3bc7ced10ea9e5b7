/**
 * What CDK context grants beyond the defaults: customer-managed KMS keys of
 * sources and restore targets (`haven:sourceKmsKeyArns`,
 * `haven:restoreKmsKeyArns`), each used only through the services that
 * read or write the data, and PostgreSQL access by ids
 * (`haven:postgresSecretArns`, `haven:postgresVpcId`, `haven:postgresSubnetIds`,
 * `haven:postgresSecurityGroupIds`). Bad values are InvalidContextError
 * naming the key.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import type { HavenFunction } from '../../infra/constructs/haven-function.js';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import { InvalidContextError, InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';
import { logicalId, permissionsOf, via } from './support/template.js';

const SOURCE_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SOURCE_BUCKET = 'arn:aws:s3:::acme-data';
const TARGET_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored';
const TARGET_BUCKET = 'arn:aws:s3:::acme-restores';
const SOURCE_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const TARGET_KEY = 'arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf';
const VPC = 'vpc-0123456789abcdef0';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'];
const GROUP = 'sg-0123456789abcdef0';

const listed = synthHaven({
  context: {
    [HavenContextKey.SourceTableArns]: [SOURCE_TABLE],
    [HavenContextKey.SourceBucketArns]: [SOURCE_BUCKET],
    [HavenContextKey.RestoreTableArns]: [TARGET_TABLE],
    [HavenContextKey.RestoreBucketArns]: [TARGET_BUCKET],
    [HavenContextKey.SourceKmsKeyArns]: SOURCE_KEY,
    [HavenContextKey.RestoreKmsKeyArns]: `["${TARGET_KEY}"]`,
    [HavenContextKey.PostgresSecretArns]: SECRET,
    [HavenContextKey.PostgresVpcId]: VPC,
    [HavenContextKey.PostgresSubnetIds]: SUBNETS.join(','),
    [HavenContextKey.PostgresSecurityGroupIds]: [GROUP],
  },
});
const { stack, template } = listed;
const keyPermissions = (fn: HavenFunction, key: string) => permissionsOf(template, logicalId(stack, fn.role)).filter((p) => p.includes(` on ${key}`));
const backup = stack.backupFunctions.functions;
const restore = stack.restoreFunctions.functions;

test('source keys: export-partition may decrypt through DynamoDB and S3 (it scans tables and gets objects), the database steps through Secrets Manager; nothing else', () => {
  assert.deepEqual(keyPermissions(backup.exportPartition, SOURCE_KEY), [`kms:Decrypt on ${SOURCE_KEY}${via('dynamodb', 's3')}`, `kms:Decrypt on ${SOURCE_KEY}${via('secretsmanager')}`]);
  for (const step of ['plan', 'commit', 'markFailed'] as const) {
    // Plan describes tables and lists buckets (no key needed); with commit and mark-failed it reads the database's secret.
    assert.deepEqual(keyPermissions(backup[step], SOURCE_KEY), [`kms:Decrypt on ${SOURCE_KEY}${via('secretsmanager')}`], step);
  }
  for (const step of ['verify', 'finalize'] as const) assert.deepEqual(keyPermissions(backup[step], SOURCE_KEY), [], step);
  for (const fn of Object.values(restore)) assert.deepEqual(keyPermissions(fn, SOURCE_KEY), [], fn.node.path);
  assert.deepEqual(keyPermissions(stack.apiFunction.fn, SOURCE_KEY), []);
});

test('restore-target keys: the step that writes may decrypt and generate data keys, the steps that read only decrypt, always through the services; backups never use them', () => {
  const secrets = `kms:Decrypt on ${TARGET_KEY}${via('secretsmanager')}`;
  assert.deepEqual(keyPermissions(restore.restorePartition, TARGET_KEY), [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb', 's3')}`, secrets, `kms:GenerateDataKey on ${TARGET_KEY}${via('dynamodb', 's3')}`]);
  assert.deepEqual(keyPermissions(restore.safetyBackup, TARGET_KEY), [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb', 's3')}`, secrets]);
  // Plan scans a table for emptiness and only lists buckets.
  assert.deepEqual(keyPermissions(restore.plan, TARGET_KEY), [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb')}`, secrets]);
  assert.deepEqual(keyPermissions(restore.validate, TARGET_KEY), [secrets]);
  for (const step of ['finalize', 'markFailed'] as const) assert.deepEqual(keyPermissions(restore[step], TARGET_KEY), [], step);
  for (const fn of Object.values(backup)) assert.deepEqual(keyPermissions(fn, TARGET_KEY), [], fn.node.path);
});

test('no statement lets a function call KMS with a listed key directly', () => {
  for (const fn of [...Object.values(backup), ...Object.values(restore), ...Object.values(stack.verifyFunctions.functions), ...Object.values(stack.pruneFunctions.functions)]) {
    for (const p of [...keyPermissions(fn, SOURCE_KEY), ...keyPermissions(fn, TARGET_KEY)]) assert.match(p, / if StringEquals kms:ViaService=/, `${fn.node.path}: ${p}`);
  }
});

test('PostgreSQL from context: the database steps run in the VPC\'s listed subnets with the listed group and read exactly the listed secret', () => {
  for (const fn of [backup.plan, backup.exportPartition, backup.commit, backup.markFailed, restore.plan, restore.safetyBackup, restore.restorePartition, restore.validate]) {
    const props = template.toJSON().Resources[logicalId(stack, fn.function)].Properties as { VpcConfig?: unknown };
    assert.deepEqual(props.VpcConfig, { SubnetIds: SUBNETS, SecurityGroupIds: [GROUP] }, fn.node.path);
    assert.deepEqual(permissionsOf(template, logicalId(stack, fn.role)).filter((p) => p.startsWith('secretsmanager:')), [`secretsmanager:GetSecretValue on ${SECRET}`], fn.node.path);
  }
  for (const fn of [backup.verify, backup.finalize, restore.finalize, stack.apiFunction.fn]) {
    assert.equal((template.toJSON().Resources[logicalId(stack, fn.function)].Properties as { VpcConfig?: unknown }).VpcConfig, undefined, fn.node.path);
  }
  // Nothing was created in the customer's VPC but through its ids.
  template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  assert.deepEqual(listed.nag.validateScope(stack).violations.map((v) => v.ruleName), []);
});

test('PostgreSQL secrets without a VPC: the steps stay out of any VPC; without secrets nothing is granted', () => {
  const { stack: s, template: t } = synthHaven({ context: { [HavenContextKey.PostgresSecretArns]: [SECRET] } });
  const plan = s.backupFunctions.functions.plan;
  assert.equal((t.toJSON().Resources[logicalId(s, plan.function)].Properties as { VpcConfig?: unknown }).VpcConfig, undefined);
  assert.ok(permissionsOf(t, logicalId(s, plan.role)).includes(`secretsmanager:GetSecretValue on ${SECRET}`));
  assert.doesNotMatch(JSON.stringify(synthHaven().template.toJSON()), /secretsmanager:GetSecretValue/);
});

test('readHavenContext: key ARNs, secrets and network ids; bad values name their key', () => {
  const read = (context: Record<string, unknown>) => readHavenContext(new App({ context }).node);
  assert.deepEqual(read({ [HavenContextKey.SourceKmsKeyArns]: `${SOURCE_KEY},${SOURCE_KEY}`, [HavenContextKey.RestoreKmsKeyArns]: [TARGET_KEY] }), { sourceKmsKeyArns: [SOURCE_KEY], restoreKmsKeyArns: [TARGET_KEY] });
  assert.deepEqual(read({ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: VPC, [HavenContextKey.PostgresSubnetIds]: SUBNETS }), { postgresIds: { secretArns: [SECRET], vpcId: VPC, subnetIds: SUBNETS } });
  assert.deepEqual(read({ [HavenContextKey.ApiGatewayCloudWatchRole]: false }), { apiGatewayCloudWatchRole: false });
  const cases: [Record<string, unknown>, string][] = [
    [{ [HavenContextKey.SourceKmsKeyArns]: 'alias/orders' }, HavenContextKey.SourceKmsKeyArns],
    [{ [HavenContextKey.SourceKmsKeyArns]: 'arn:aws:kms:us-east-1:123456789012:alias/orders' }, HavenContextKey.SourceKmsKeyArns],
    [{ [HavenContextKey.RestoreKmsKeyArns]: 'arn:aws:kms:us-east-1:123456789012:key/*' }, HavenContextKey.RestoreKmsKeyArns],
    [{ [HavenContextKey.PostgresSecretArns]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:*' }, HavenContextKey.PostgresSecretArns],
    [{ [HavenContextKey.PostgresVpcId]: VPC, [HavenContextKey.PostgresSubnetIds]: SUBNETS }, HavenContextKey.PostgresSecretArns],
    [{ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: VPC }, HavenContextKey.PostgresSubnetIds],
    [{ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: 'my-vpc', [HavenContextKey.PostgresSubnetIds]: SUBNETS }, HavenContextKey.PostgresVpcId],
    [{ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: VPC, [HavenContextKey.PostgresSubnetIds]: 'subnet-x' }, HavenContextKey.PostgresSubnetIds],
    [{ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresSubnetIds]: SUBNETS }, HavenContextKey.PostgresVpcId],
    [{ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: VPC, [HavenContextKey.PostgresSubnetIds]: SUBNETS, [HavenContextKey.PostgresSecurityGroupIds]: 'default' }, HavenContextKey.PostgresSecurityGroupIds],
    [{ [HavenContextKey.ApiGatewayCloudWatchRole]: 'yes' }, HavenContextKey.ApiGatewayCloudWatchRole],
  ];
  for (const [context, key] of cases) {
    assert.throws(() => read(context), (error: unknown) => error instanceof InvalidContextError && error.key === key, JSON.stringify(context));
  }
});

test('PostgreSQL access as props and as ids at once is refused', () => {
  assert.throws(() => synthHaven({ props: { postgres: { secretArns: [SECRET] }, postgresIds: { secretArns: [SECRET] } } }), InvalidPropsError);
});
