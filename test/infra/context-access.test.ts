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

test('source keys: export-partition may decrypt through DynamoDB and S3 (it scans tables and gets objects), the database steps through Secrets Manager', () => {
  // Act
  const exportPartition = keyPermissions(backup.exportPartition, SOURCE_KEY);
  const databaseSteps = (['plan', 'commit', 'markFailed'] as const).map((step) => keyPermissions(backup[step], SOURCE_KEY));

  // Assess
  assert.deepEqual(exportPartition, [`kms:Decrypt on ${SOURCE_KEY}${via('dynamodb', 's3')}`, `kms:Decrypt on ${SOURCE_KEY}${via('secretsmanager')}`]);
  // Plan describes tables and lists buckets (no key needed); with commit and mark-failed it reads the database's secret.
  for (const permissions of databaseSteps) assert.deepEqual(permissions, [`kms:Decrypt on ${SOURCE_KEY}${via('secretsmanager')}`]);
});

test('source keys: no other function may use them', () => {
  // Act
  const others = [backup.planVerify, backup.verifyPacks, backup.recordVerification, backup.finalize, ...Object.values(restore), stack.apiFunction.fn].map((fn) => [fn.node.path, keyPermissions(fn, SOURCE_KEY)] as const);

  // Assess
  for (const [path, permissions] of others) assert.deepEqual(permissions, [], path);
});

test('restore-target keys: the step that writes may decrypt and generate data keys, the steps that read only decrypt, always through the services', () => {
  // Prepare
  const secrets = `kms:Decrypt on ${TARGET_KEY}${via('secretsmanager')}`;

  // Act
  const [restorePartition, safetyBackup, plan, validate] = [restore.restorePartition, restore.safetyBackup, restore.plan, restore.validate].map((fn) => keyPermissions(fn, TARGET_KEY));

  // Assess
  assert.deepEqual(restorePartition, [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb', 's3')}`, secrets, `kms:GenerateDataKey on ${TARGET_KEY}${via('dynamodb', 's3')}`]);
  assert.deepEqual(safetyBackup, [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb', 's3')}`, secrets]);
  // Plan scans a table for emptiness and only lists buckets.
  assert.deepEqual(plan, [`kms:Decrypt on ${TARGET_KEY}${via('dynamodb')}`, secrets]);
  assert.deepEqual(validate, [secrets]);
});

test('restore-target keys: the restore steps that read and write nothing, and backups, never use them', () => {
  // Act
  const others = [restore.finalize, restore.markFailed, ...Object.values(backup)].map((fn) => [fn.node.path, keyPermissions(fn, TARGET_KEY)] as const);

  // Assess
  for (const [path, permissions] of others) assert.deepEqual(permissions, [], path);
});

test('no statement lets a function call KMS with a listed key directly', () => {
  for (const fn of [...Object.values(backup), ...Object.values(restore), ...Object.values(stack.verifyFunctions.functions), ...Object.values(stack.pruneFunctions.functions)]) {
    // Act
    const permissions = [...keyPermissions(fn, SOURCE_KEY), ...keyPermissions(fn, TARGET_KEY)];

    // Assess
    for (const p of permissions) assert.match(p, / if StringEquals kms:ViaService=/, `${fn.node.path}: ${p}`);
  }
});

const DATABASE_STEPS = [backup.plan, backup.exportPartition, backup.commit, backup.markFailed, restore.plan, restore.safetyBackup, restore.restorePartition, restore.validate];
const vpcConfigOf = (fn: HavenFunction) => (template.toJSON().Resources[logicalId(stack, fn.function)].Properties as { VpcConfig?: unknown }).VpcConfig;

test('PostgreSQL from context: the database steps, and no other function, run in the VPC\'s listed subnets with the listed group', () => {
  // Act
  const database = DATABASE_STEPS.map((fn) => [fn.node.path, vpcConfigOf(fn)] as const);
  const others = [backup.planVerify, backup.verifyPacks, backup.recordVerification, backup.finalize, restore.finalize, stack.apiFunction.fn].map((fn) => [fn.node.path, vpcConfigOf(fn)] as const);

  // Assess
  for (const [path, config] of database) assert.deepEqual(config, { SubnetIds: SUBNETS, SecurityGroupIds: [GROUP] }, path);
  for (const [path, config] of others) assert.equal(config, undefined, path);
});

test('PostgreSQL from context: the database steps read exactly the listed secret', () => {
  for (const fn of DATABASE_STEPS) {
    // Act
    const secrets = permissionsOf(template, logicalId(stack, fn.role)).filter((p) => p.startsWith('secretsmanager:'));

    // Assess
    assert.deepEqual(secrets, [`secretsmanager:GetSecretValue on ${SECRET}`], fn.node.path);
  }
});

test('PostgreSQL from context: nothing is created in the customer\'s VPC but through its ids', () => {
  // Act
  const groups = template.findResources('AWS::EC2::SecurityGroup');

  // Assess
  assert.equal(Object.keys(groups).length, 0);
});

test('PostgreSQL from context: cdk-nag finds nothing', () => {
  // Act
  const report = listed.nag.validateScope(stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => v.ruleName), []);
});

test('PostgreSQL secrets without a VPC: the steps read the secrets from outside any VPC', () => {
  // Act
  const { stack: s, template: t } = synthHaven({ context: { [HavenContextKey.PostgresSecretArns]: [SECRET] } });

  // Assess
  const plan = s.backupFunctions.functions.plan;
  assert.equal((t.toJSON().Resources[logicalId(s, plan.function)].Properties as { VpcConfig?: unknown }).VpcConfig, undefined);
  assert.ok(permissionsOf(t, logicalId(s, plan.role)).includes(`secretsmanager:GetSecretValue on ${SECRET}`));
});

test('without PostgreSQL secrets no secret is granted', () => {
  // Act
  const { template: t } = synthHaven();

  // Assess
  assert.doesNotMatch(JSON.stringify(t.toJSON()), /secretsmanager:GetSecretValue/);
});

const readContext = (context: Record<string, unknown>) => readHavenContext(new App({ context }).node);

test('readHavenContext: key ARNs, secrets and network ids', () => {
  // Act
  const keys = readContext({ [HavenContextKey.SourceKmsKeyArns]: `${SOURCE_KEY},${SOURCE_KEY}`, [HavenContextKey.RestoreKmsKeyArns]: [TARGET_KEY] });
  const postgres = readContext({ [HavenContextKey.PostgresSecretArns]: SECRET, [HavenContextKey.PostgresVpcId]: VPC, [HavenContextKey.PostgresSubnetIds]: SUBNETS });
  const role = readContext({ [HavenContextKey.ApiGatewayCloudWatchRole]: false });

  // Assess
  assert.deepEqual(keys, { sourceKmsKeyArns: [SOURCE_KEY], restoreKmsKeyArns: [TARGET_KEY] });
  assert.deepEqual(postgres, { postgresIds: { secretArns: [SECRET], vpcId: VPC, subnetIds: SUBNETS } });
  assert.deepEqual(role, { apiGatewayCloudWatchRole: false });
});

test('readHavenContext: bad values name their key', () => {
  // Prepare
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
    // Act
    const read = () => readContext(context);

    // Assess
    assert.throws(read, (error: unknown) => error instanceof InvalidContextError && error.key === key, JSON.stringify(context));
  }
});

test('PostgreSQL access as props and as ids at once is refused', () => {
  // Act
  const synthesize = () => synthHaven({ props: { postgres: { secretArns: [SECRET] }, postgresIds: { secretArns: [SECRET] } } });

  // Assess
  assert.throws(synthesize, InvalidPropsError);
});
