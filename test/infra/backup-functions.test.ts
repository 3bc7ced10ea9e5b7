/**
 * The backup workflow's six functions: runtime, sizing, environment, exactly
 * the permissions each step needs, the source grants driven by context, and
 * the state machine wiring (substitutions and invoke permission).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { BACKUP_STEP_SPECS, BackupFunctions, type BackupStep } from '../../infra/constructs/backup-functions.js';
import { CatalogTable } from '../../infra/constructs/catalog-table.js';
import { VaultBucket } from '../../infra/constructs/vault-bucket.js';
import { VaultKey } from '../../infra/constructs/vault-key.js';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import { InvalidContextError, InvalidPropsError } from '../../infra/errors.js';
import { functionEntry } from '../../infra/paths.js';
import { synthHaven, TEST_ENV } from './support/haven-app.js';
import { flat, list, logicalId, pairs, permissionsOf, type Statement } from './support/template.js';
import { EVENTS, workflowFixture, type FunctionProps, type StateMachineProps } from './support/workflow-fixture.js';

const synth = synthHaven();
const { stack, template } = synth;
const { resources, tableId, vaultBucketId, vaultKeyId, catalogKeyId, notificationKeyId, NOTIFY, CATALOG, VAULT_READ_WRITE: VAULT, logsOf, fnOf } = workflowFixture(synth);

const SOURCE_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SOURCE_TABLE_2 = 'arn:aws:dynamodb:eu-west-1:123456789012:table/customers';
const SOURCE_BUCKET = 'arn:aws:s3:::acme-data';

/** What the brief asks of each step, written out independently of BACKUP_STEP_SPECS. */
const EXPECTED: Record<BackupStep, { placeholder: string; memory: number; timeout: number; vault: boolean; events: boolean }> = {
  plan: { placeholder: 'PlanFunctionArn', memory: 1024, timeout: 900, vault: true, events: false },
  'export-partition': { placeholder: 'ExportPartitionFunctionArn', memory: 2048, timeout: 900, vault: true, events: false },
  commit: { placeholder: 'CommitFunctionArn', memory: 1024, timeout: 900, vault: true, events: false },
  verify: { placeholder: 'VerifyFunctionArn', memory: 1024, timeout: 900, vault: true, events: false },
  finalize: { placeholder: 'FinalizeFunctionArn', memory: 256, timeout: 60, vault: false, events: true },
  'mark-failed': { placeholder: 'MarkFailedFunctionArn', memory: 256, timeout: 60, vault: true, events: true },
};
const STEPS = Object.keys(EXPECTED) as BackupStep[];

const fn = (step: BackupStep) => fnOf(stack.backupFunctions.functions[step]);
const backupMachineId = logicalId(stack, stack.backupWorkflow.stateMachine);

test('six backup functions (plus six restore, eight verify and three prune functions and the API function), each with its own role and log group', () => {
  assert.equal(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function').length, 24);
  const roles = new Set(STEPS.map((step) => fn(step).roleId));
  const groups = new Set(STEPS.map((step) => fn(step).logGroupId));
  assert.equal(roles.size, 6);
  assert.equal(groups.size, 6);
});

test('each runs functions/backup/<step>.ts, whose export handler Lambda calls', () => {
  for (const step of STEPS) {
    const entry = functionEntry('backup', step);
    assert.equal(BACKUP_STEP_SPECS[step].entry, entry, step);
    assert.ok(existsSync(entry), entry);
    assert.match(readFileSync(entry, 'utf8'), /export const handler\b/, entry);
    assert.equal(fn(step).props.Handler, 'index.handler', step);
  }
});

test('nodejs22.x on arm64, with the memory and timeout each step needs', () => {
  for (const step of STEPS) {
    const { props } = fn(step);
    assert.equal(props.Runtime, 'nodejs22.x', step);
    assert.deepEqual(props.Architectures, ['arm64'], step);
    assert.equal(props.MemorySize, EXPECTED[step].memory, step);
    assert.equal(props.Timeout, EXPECTED[step].timeout, step);
  }
});

test('environment: catalog table name, s3://<vault bucket>/vault, the vault key ARN; events left on', () => {
  for (const step of STEPS) {
    const env = fn(step).props.Environment.Variables;
    assert.deepEqual(env.HAVEN_CATALOG_TABLE, { Ref: tableId }, step);
    assert.equal(flat(env.HAVEN_VAULT_URI), `s3://<${vaultBucketId}>/vault`, step);
    assert.deepEqual(env.HAVEN_KMS_KEY_ID, { 'Fn::GetAtt': [vaultKeyId, 'Arn'] }, step);
    assert.equal(env.HAVEN_EVENTS, undefined, step);
    assert.equal(env.HAVEN_KEY_FILE, undefined, step);
  }
});

test('each role has exactly: its log group, the catalog (table, gsi indexes, catalog key), the vault where needed, PutEvents where needed', () => {
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const expected = [
      ...logsOf(logGroupId),
      ...CATALOG,
      ...(EXPECTED[step].vault ? VAULT : []),
      ...(EXPECTED[step].events ? [...EVENTS, ...NOTIFY] : []),
    ].sort();
    assert.deepEqual(permissionsOf(template, roleId), expected, step);
  }
});

test('finalize touches neither the vault bucket nor the vault key', () => {
  const text = permissionsOf(template, fn('finalize').roleId).join('\n');
  assert.doesNotMatch(text, new RegExp(vaultBucketId));
  assert.doesNotMatch(text, new RegExp(vaultKeyId));
});

test('no source grants unless sources are listed', () => {
  for (const step of STEPS) {
    for (const permission of permissionsOf(template, fn(step).roleId)) {
      assert.doesNotMatch(permission, /DescribeTimeToLive|on arn:aws:(dynamodb|s3):/, `${step}: ${permission}`);
    }
  }
});

test('context haven:sourceTableArns / haven:sourceBucketArns: plan may describe and list, export-partition may scan and get, nobody else', () => {
  const withSources = synthHaven({
    context: {
      [HavenContextKey.SourceTableArns]: `${SOURCE_TABLE}, ${SOURCE_TABLE_2}`,
      [HavenContextKey.SourceBucketArns]: JSON.stringify([SOURCE_BUCKET]),
    },
  });
  const other = withSources.template;
  const roleOf = (step: BackupStep) => {
    const id = logicalId(withSources.stack, withSources.stack.backupFunctions.functions[step].function);
    return (other.toJSON().Resources[id].Properties as FunctionProps).Role['Fn::GetAtt'][0];
  };
  const sourcePermissions = (step: BackupStep) => permissionsOf(other, roleOf(step)).filter((p) => / on arn:aws:(dynamodb|s3):/.test(p));
  assert.deepEqual(
    sourcePermissions('plan'),
    [...pairs(['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], [SOURCE_TABLE, SOURCE_TABLE_2]), `s3:ListBucket on ${SOURCE_BUCKET}`].sort(),
  );
  assert.deepEqual(
    sourcePermissions('export-partition'),
    [
      ...pairs(['dynamodb:Scan'], [SOURCE_TABLE, `${SOURCE_TABLE}/index/*`, SOURCE_TABLE_2, `${SOURCE_TABLE_2}/index/*`]),
      `s3:GetObject on ${SOURCE_BUCKET}/*`,
    ].sort(),
  );
  for (const step of ['commit', 'verify', 'finalize', 'mark-failed'] as const) assert.deepEqual(sourcePermissions(step), [], step);
  // Still nag-clean with the extra (scoped) wildcards.
  const report = withSources.nag.validateScope(withSources.stack);
  assert.deepEqual(report.violations.map((v) => v.ruleName), []);
});

test('source ARN props: wildcards, paths and other services are refused', () => {
  const build = (props: { sourceTableArns?: string[]; sourceBucketArns?: string[] }) => {
    const probe = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SourceProbe', { env: TEST_ENV });
    const vaultKey = new VaultKey(probe, 'Key');
    new BackupFunctions(probe, 'Backup', {
      vault: new VaultBucket(probe, 'Vault', { encryptionKey: vaultKey.key }),
      vaultKey,
      catalog: new CatalogTable(probe, 'Catalog'),
      ...props,
    });
  };
  assert.doesNotThrow(() => build({ sourceTableArns: [SOURCE_TABLE], sourceBucketArns: [SOURCE_BUCKET] }));
  for (const bad of [
    { sourceTableArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/*'] },
    { sourceTableArns: ['*'] },
    { sourceTableArns: [`${SOURCE_TABLE}/index/gsi1`] },
    { sourceTableArns: [SOURCE_BUCKET] },
    { sourceBucketArns: ['arn:aws:s3:::acme-*'] },
    { sourceBucketArns: [`${SOURCE_BUCKET}/*`] },
    { sourceBucketArns: [SOURCE_TABLE] },
  ]) {
    assert.throws(() => build(bad), InvalidPropsError, JSON.stringify(bad));
  }
});

test('each ASL placeholder is substituted with its own function\'s ARN', () => {
  const machine = resources[backupMachineId]?.Properties as unknown as StateMachineProps;
  assert.equal(Object.keys(machine.DefinitionSubstitutions).length, 6);
  for (const step of STEPS) {
    const { id } = fn(step);
    assert.deepEqual(machine.DefinitionSubstitutions[EXPECTED[step].placeholder], { 'Fn::GetAtt': [id, 'Arn'] }, step);
    assert.equal(BACKUP_STEP_SPECS[step].substitution, EXPECTED[step].placeholder, step);
  }
});

test('the state machine role may invoke exactly the six functions (unqualified ARNs), and nothing else in Lambda', () => {
  const roleId = (resources[backupMachineId]?.Properties as unknown as StateMachineProps).RoleArn['Fn::GetAtt'][0];
  const lambdaPermissions = permissionsOf(template, roleId).filter((p) => p.startsWith('lambda:'));
  assert.deepEqual(lambdaPermissions, pairs(['lambda:InvokeFunction'], STEPS.map((step) => `<${fn(step).id}.Arn>`)).sort());
  // Everything else the role may do is logging/tracing on "*" (checked in iam.test.ts).
  for (const permission of permissionsOf(template, roleId).filter((p) => !p.startsWith('lambda:'))) {
    assert.match(permission, /^(logs|xray):\w+ on \*$/, permission);
  }
});

test('no other principal may invoke the backup functions (no resource policies)', () => {
  const fnIds = new Set(STEPS.map((step) => fn(step).id));
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::Lambda::Permission') continue;
    const target = flat(r.Properties.FunctionName);
    for (const id of fnIds) assert.ok(!target.includes(id), `a Lambda permission targets ${id}`);
  }
});

test('no statement anywhere allows a wildcard action other than the catalog key\'s, nor a wildcard resource other than reviewed scoped suffixes', () => {
  const scopedSuffix = [`<${tableId}.Arn>/index/*`, `<${vaultBucketId}.Arn>/vault/*`, `<${vaultBucketId}.Arn>/vault/staging/*`, `<${vaultBucketId}.Arn>/haven-verify-*`, 'arn:aws:dynamodb:us-east-1:123456789012:table/haven-verify-*'];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    for (const s of list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)) {
      const actions = list(s.Action);
      const targets = list(s.Resource).map(flat);
      for (const action of actions.filter((a) => a.includes('*'))) {
        assert.ok(['kms:GenerateDataKey*', 'kms:ReEncrypt*'].includes(action), `${id}: ${action}`);
        // The notification key: CDK's publish grant on the encrypted topic (GenerateDataKey* only).
        const keys = action === 'kms:GenerateDataKey*' ? [[`<${catalogKeyId}.Arn>`], [`<${notificationKeyId}.Arn>`]] : [[`<${catalogKeyId}.Arn>`]];
        assert.ok(keys.some((k) => JSON.stringify(k) === JSON.stringify(targets)), `${id}: ${action} only on the catalog key (or the notification key): ${targets.join(', ')}`);
      }
      for (const target of targets.filter((t) => t.includes('*') && t !== '*')) {
        // The API function may stop executions of the two workflows (their names are record ids) and manage Haven's schedules.
        const api = id.startsWith('ApiFunction');
        const executions = api && list(s.Action).join() === 'states:StopExecution' && /:execution:\{"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Ref":"(Backup|Restore)WorkflowStateMachine[0-9A-F]{8}"\}\]\}\]\}:\*$/.test(target);
        const schedules = api && list(s.Action).every((a) => a.startsWith('scheduler:')) && target === 'arn:aws:scheduler:us-east-1:123456789012:schedule/haven/*';
        // …and delete single backups: their snapshot objects, nothing else under the vault prefix.
        const snapshots = api && list(s.Action).includes('s3:DeleteObject') && target === `<${vaultBucketId}.Arn>/vault/snapshots/*`;
        assert.ok(scopedSuffix.includes(target) || executions || schedules || snapshots, `${id}: wildcard resource ${target}`);
      }
    }
  }
});

test('readHavenContext: source ARN lists from cdk.json arrays, -c JSON arrays or comma lists; bad ones are InvalidContextError', () => {
  const read = (context: Record<string, unknown>) => readHavenContext(new App({ context }).node);
  assert.deepEqual(read({}), {});
  assert.deepEqual(read({ [HavenContextKey.SourceTableArns]: [SOURCE_TABLE, SOURCE_TABLE] }), { sourceTableArns: [SOURCE_TABLE] });
  assert.deepEqual(read({ [HavenContextKey.SourceTableArns]: ` ${SOURCE_TABLE} ,${SOURCE_TABLE_2},` }), { sourceTableArns: [SOURCE_TABLE, SOURCE_TABLE_2] });
  assert.deepEqual(read({ [HavenContextKey.SourceBucketArns]: `["${SOURCE_BUCKET}"]` }), { sourceBucketArns: [SOURCE_BUCKET] });
  assert.deepEqual(read({ [HavenContextKey.SourceBucketArns]: [], [HavenContextKey.SourceTableArns]: '' }), {});
  const cases: [Record<string, unknown>, string][] = [
    [{ [HavenContextKey.SourceTableArns]: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceTableArns]: '[not json' }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceTableArns]: { arn: SOURCE_TABLE } }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceBucketArns]: [SOURCE_BUCKET, 42] }, HavenContextKey.SourceBucketArns],
    [{ [HavenContextKey.SourceBucketArns]: `${SOURCE_BUCKET}/*` }, HavenContextKey.SourceBucketArns],
  ];
  for (const [context, key] of cases) {
    assert.throws(() => read(context), (error: unknown) => error instanceof InvalidContextError && error.key === key, JSON.stringify(context));
  }
});
