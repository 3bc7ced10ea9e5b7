/**
 * The restore workflow's six functions: one entry file with a named export
 * per step, sizing, environment, exactly the permissions each step needs,
 * the target grants driven by context, and the state machine wiring
 * (substitutions and invoke permission).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HavenEnv } from '../../control/env.js';
import { BACKUP_STEP_SPECS } from '../../infra/constructs/backup-functions.js';
import { CatalogTable } from '../../infra/constructs/catalog-table.js';
import type { HavenFunction } from '../../infra/constructs/haven-function.js';
import { RESTORE_ENTRY, RESTORE_STEP_SPECS, RestoreFunctions, type RestoreStep } from '../../infra/constructs/restore-functions.js';
import { VaultBucket } from '../../infra/constructs/vault-bucket.js';
import { VaultKey } from '../../infra/constructs/vault-key.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions } from '../../infra/constructs/workflow-functions.js';
import { WorkflowStateMachine } from '../../infra/constructs/workflow-state-machine.js';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import { InvalidContextError, InvalidPropsError } from '../../infra/errors.js';
import { functionEntry, RESTORE_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven, TEST_ENV } from './support/haven-app.js';
import { flat, list, logicalId, pairs, permissionsOf, type Statement } from './support/template.js';
import { EVENTS, workflowFixture, type StateMachineProps } from './support/workflow-fixture.js';

const synth = synthHaven();
const { stack, template } = synth;
const { resources, tableId, vaultBucketId, vaultKeyId, NOTIFY, catalog, VAULT_WRITE, VAULT_READ, CLEAR_STAGING, logsOf, fnOf } = workflowFixture(synth);

const TARGET_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored';
const TARGET_TABLE_2 = 'arn:aws:dynamodb:eu-west-1:123456789012:table/customers';
const TARGET_BUCKET = 'arn:aws:s3:::acme-restores';
const SOURCE_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SOURCE_BUCKET = 'arn:aws:s3:::acme-data';

type Vault = 'none' | 'read' | 'write';
type Catalog = 'none' | 'readWrite';

/**
 * What each step needs, written out independently of RESTORE_STEP_SPECS
 * (control/workflows/restore/*): plan reads the snapshot, stages the plan and
 * moves the record; the safety backup writes a backup into the vault;
 * restore-partition and validate read the vault (the staged plan);
 * restore-partition counts its partition in the restore's progress, validate
 * opens no record; finalize and mark-failed record the outcome and clear staging.
 */
const EXPECTED: Record<RestoreStep, { memory: number; timeout: number; catalog: Catalog; vault: Vault; clearsStaging: boolean; events: boolean }> = {
  plan: { memory: 1024, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false },
  safetyBackup: { memory: 2048, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false },
  restorePartition: { memory: 2048, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false },
  validate: { memory: 256, timeout: 900, catalog: 'none', vault: 'read', clearsStaging: false, events: false },
  finalize: { memory: 256, timeout: 60, catalog: 'readWrite', vault: 'read', clearsStaging: true, events: true },
  markFailed: { memory: 256, timeout: 60, catalog: 'readWrite', vault: 'read', clearsStaging: true, events: true },
};
const STEPS = Object.keys(EXPECTED) as RestoreStep[];

/** What each step may do to listed targets, by engine call (see restore-functions.ts). */
const TARGET_ACCESS: Record<RestoreStep, { table: string[]; bucket: string[]; objects: string[] }> = {
  plan: { table: ['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:UpdateTimeToLive'], bucket: ['s3:ListBucket'], objects: [] },
  safetyBackup: { table: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:Scan'], bucket: ['s3:ListBucket'], objects: ['s3:GetObject'] },
  restorePartition: {
    table: ['dynamodb:BatchWriteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem'],
    bucket: ['s3:ListBucket'],
    objects: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
  },
  validate: { table: [], bucket: [], objects: [] },
  finalize: { table: [], bucket: [], objects: [] },
  markFailed: { table: [], bucket: [], objects: [] },
};

const fn = (step: RestoreStep) => fnOf(stack.restoreFunctions.functions[step]);
const restoreMachineId = logicalId(stack, stack.restoreWorkflow.stateMachine);
const restoreMachine = resources[restoreMachineId]?.Properties as unknown as StateMachineProps;

test('six restore functions beside the restore state machine', () => {
  // Act
  const ids = new Set(STEPS.map((step) => fn(step).id));

  // Assess
  assert.equal(resources[restoreMachineId]?.Type, 'AWS::StepFunctions::StateMachine');
  assert.deepEqual(Object.keys(stack.restoreFunctions.functions).sort(), [...STEPS].sort());
  assert.equal(ids.size, 6);
});

test('each restore function has its own role and log group', () => {
  // Act
  const roles = new Set(STEPS.map((step) => fn(step).roleId));
  const groups = new Set(STEPS.map((step) => fn(step).logGroupId));

  // Assess
  assert.equal(roles.size, 6);
  assert.equal(groups.size, 6);
});

test('no restore function shares a role with a backup function', () => {
  // Act
  const backupRoles = new Set(Object.values(stack.backupFunctions.functions).map((f) => fnOf(f).roleId));

  // Assess
  for (const step of STEPS) assert.ok(!backupRoles.has(fn(step).roleId), `${step} shares no role with a backup function`);
});

test('one entry, functions/restore/handlers.ts; each function calls the export named as its step', () => {
  // Act
  const handlers = STEPS.map((step) => [step, RESTORE_STEP_SPECS[step].entry, fn(step).props.Handler] as const);

  // Assess
  assert.equal(RESTORE_ENTRY, functionEntry('restore', 'handlers'));
  for (const [step, entry, handler] of handlers) {
    assert.equal(entry, RESTORE_ENTRY, step);
    assert.equal(handler, `index.${step}`, step);
  }
});

test('nodejs22.x on arm64, with the memory and timeout each step needs (restore-partition 2048 MB / 15 min)', () => {
  for (const step of STEPS) {
    // Act
    const { props } = fn(step);

    // Assess
    assert.equal(props.Runtime, 'nodejs22.x', step);
    assert.deepEqual(props.Architectures, ['arm64'], step);
    assert.equal(props.MemorySize, EXPECTED[step].memory, step);
    assert.equal(props.Timeout, EXPECTED[step].timeout, step);
  }
});

test('environment: catalog table name, s3://<vault bucket>/vault, the vault key ARN; events left on', () => {
  for (const step of STEPS) {
    // Act
    const env = fn(step).props.Environment.Variables;

    // Assess
    assert.deepEqual(env[HavenEnv.CatalogTable], { Ref: tableId }, step);
    assert.equal(flat(env[HavenEnv.VaultUri]), `s3://<${vaultBucketId}>/vault`, step);
    assert.deepEqual(env[HavenEnv.KmsKeyId], { 'Fn::GetAtt': [vaultKeyId, 'Arn'] }, step);
    assert.equal(env[HavenEnv.Events], undefined, step);
    assert.equal(env[HavenEnv.KeyFile], undefined, step);
  }
});

test('each role has exactly: its log group, the catalog and the vault at the levels its step needs (only staging is ever deleted), PutEvents where needed', () => {
  // Prepare
  const vault: Record<Vault, string[]> = { none: [], read: VAULT_READ, write: VAULT_WRITE };
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const level = EXPECTED[step].catalog;
    const expected = [...logsOf(logGroupId), ...(level === 'none' ? [] : catalog(level)), ...vault[EXPECTED[step].vault], ...(EXPECTED[step].clearsStaging ? CLEAR_STAGING : []), ...(EXPECTED[step].events ? [...EVENTS, ...NOTIFY] : [])].sort();

    // Act
    const permissions = permissionsOf(template, roleId);

    // Assess
    assert.equal(RESTORE_STEP_SPECS[step].vault, { none: VaultAccess.None, read: VaultAccess.Read, write: VaultAccess.Write }[EXPECTED[step].vault], step);
    assert.deepEqual(permissions, expected, step);
  }
});

test('restore-partition reads the vault and writes (stages what each partition restored), but never deletes in it', () => {
  // Act
  const text = permissionsOf(template, fn('restorePartition').roleId).filter((p) => p.includes(vaultBucketId) || p.includes(vaultKeyId));

  // Assess
  assert.deepEqual(text, VAULT_WRITE.slice().sort());
});

test('finalize and mark-failed only read the vault and delete under staging/ (they clear the restore\'s staged plan); nothing in the workflow wraps keys but the steps that write', () => {
  for (const step of ['finalize', 'markFailed'] as const) {
    // Act
    const vaultPermissions = permissionsOf(template, fn(step).roleId).filter((p) => p.includes(vaultBucketId) || p.includes(vaultKeyId));

    // Assess
    assert.deepEqual(vaultPermissions, [...VAULT_READ, ...CLEAR_STAGING].sort(), step);
  }
});

test('no target grants unless targets are listed', () => {
  for (const step of STEPS) {
    // Act
    const permissions = permissionsOf(template, fn(step).roleId);

    // Assess
    for (const permission of permissions) {
      assert.doesNotMatch(permission, /CreateTable|UpdateTimeToLive|DescribeTimeToLive|on arn:aws:(dynamodb|s3):/, `${step}: ${permission}`);
    }
  }
});

// One synth with targets and sources both listed: each workflow must get its own list only.
const listed = synthHaven({
  context: {
    [HavenContextKey.RestoreTableArns]: `${TARGET_TABLE}, ${TARGET_TABLE_2}`,
    [HavenContextKey.RestoreBucketArns]: JSON.stringify([TARGET_BUCKET]),
    [HavenContextKey.SourceTableArns]: [SOURCE_TABLE],
    [HavenContextKey.SourceBucketArns]: [SOURCE_BUCKET],
  },
});
const listedFixture = workflowFixture(listed);
const dataPermissions = (roleId: string) => permissionsOf(listed.template, roleId).filter((p) => / on arn:aws:(dynamodb|s3):/.test(p));

test('context haven:restoreTableArns / haven:restoreBucketArns: exactly the actions each step calls, on exactly the listed tables and buckets', () => {
  for (const step of STEPS) {
    // Prepare
    const { table, bucket, objects } = TARGET_ACCESS[step];
    const expected = [
      ...pairs(table, [TARGET_TABLE, TARGET_TABLE_2]),
      ...pairs(bucket, [TARGET_BUCKET]),
      ...pairs(objects, [`${TARGET_BUCKET}/*`]),
    ].sort();

    // Act
    const permissions = dataPermissions(listedFixture.fnOf(listed.stack.restoreFunctions.functions[step]).roleId);

    // Assess
    assert.deepEqual(permissions, expected, step);
  }
});

test('together the target grants are the reviewed set, no more', () => {
  // Act
  const union = (pick: (a: (typeof TARGET_ACCESS)[RestoreStep]) => string[]) => [...new Set(STEPS.flatMap((step) => pick(TARGET_ACCESS[step])))].sort();

  // Assess
  assert.deepEqual(union((a) => a.table), [
    'dynamodb:BatchWriteItem',
    'dynamodb:CreateTable',
    'dynamodb:DescribeTable',
    'dynamodb:DescribeTimeToLive',
    'dynamodb:PutItem',
    'dynamodb:Scan',
    'dynamodb:UpdateTimeToLive',
  ]);
  assert.deepEqual(union((a) => a.bucket), ['s3:ListBucket']);
  assert.deepEqual(union((a) => a.objects), ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']);
});

test('no restore step may delete or reconfigure a target', () => {
  for (const step of STEPS) {
    // Act
    const permissions = dataPermissions(listedFixture.fnOf(listed.stack.restoreFunctions.functions[step]).roleId);

    // Assess
    for (const p of permissions) assert.doesNotMatch(p, /Delete|UpdateTable|Tagging|Acl|Policy/, `${step}: ${p}`);
  }
});

const dataResources = (haven: HavenFunction) => new Set(dataPermissions(listedFixture.fnOf(haven).roleId).map((p) => p.replace(/^.* on /, '').replace(/\/(index\/)?\*$/, '')));

test('sources and targets stay apart: backup functions never reach targets', () => {
  // Act
  const reached = Object.values(listed.stack.backupFunctions.functions).map((haven) => [haven.node.path, dataResources(haven)] as const);

  // Assess
  for (const [where, arns] of reached) {
    for (const arn of arns) assert.ok([SOURCE_TABLE, SOURCE_BUCKET].includes(arn), `${where}: ${arn}`);
  }
  // The source list did reach the backup workflow.
  assert.ok(dataResources(listed.stack.backupFunctions.functions.exportPartition).has(SOURCE_TABLE));
});

test('sources and targets stay apart: restore functions never reach sources', () => {
  // Act
  const reached = Object.values(listed.stack.restoreFunctions.functions).map((haven) => [haven.node.path, dataResources(haven)] as const);

  // Assess
  for (const [where, arns] of reached) {
    for (const arn of arns) assert.ok([TARGET_TABLE, TARGET_TABLE_2, TARGET_BUCKET].includes(arn), `${where}: ${arn}`);
  }
  // The target list did reach the restore workflow.
  assert.ok(dataResources(listed.stack.restoreFunctions.functions.restorePartition).has(TARGET_TABLE));
});

test('no wildcard on a data resource beyond a listed bucket\'s /* or a listed source table\'s /index/*', () => {
  // Prepare
  // Plus the verify workflow's scratch tables (haven-verify-*, see verify-functions.test.ts).
  const allowed = new Set([`${TARGET_BUCKET}/*`, `${SOURCE_BUCKET}/*`, `${SOURCE_TABLE}/index/*`, 'arn:aws:dynamodb:us-east-1:123456789012:table/haven-verify-*']);

  // Act
  const policies = Object.entries(listedFixture.resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy');

  // Assess
  for (const [id, r] of policies) {
    for (const s of list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)) {
      for (const target of list(s.Resource).map(flat).filter((t) => /^arn:aws:(dynamodb|s3):/.test(t) && t.includes('*'))) {
        assert.ok(allowed.has(target), `${id}: wildcard data resource ${target}`);
      }
    }
  }
});

test('with targets and sources listed the stack is still nag-clean', () => {
  // Act
  const report = listed.nag.validateScope(listed.stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => v.ruleName), []);
});

/** Restore functions alone in a stack of their own, with the given target props. */
const buildRestoreFunctions = (props: { restoreTableArns?: string[]; restoreBucketArns?: string[] }) => {
  const probe = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'TargetProbe', { env: TEST_ENV });
  const vaultKey = new VaultKey(probe, 'Key');
  new RestoreFunctions(probe, 'Restore', {
    vault: new VaultBucket(probe, 'Vault', { encryptionKey: vaultKey.key }),
    vaultKey,
    catalog: new CatalogTable(probe, 'Catalog'),
    ...props,
  });
};

test('target ARN props: a table and a bucket ARN are accepted', () => {
  // Act
  const build = () => buildRestoreFunctions({ restoreTableArns: [TARGET_TABLE], restoreBucketArns: [TARGET_BUCKET] });

  // Assess
  assert.doesNotThrow(build);
});

test('target ARN props: wildcards, paths and other services are refused', () => {
  for (const bad of [
    { restoreTableArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/*'] },
    { restoreTableArns: ['*'] },
    { restoreTableArns: [`${TARGET_TABLE}/index/gsi1`] },
    { restoreTableArns: [TARGET_BUCKET] },
    { restoreBucketArns: ['arn:aws:s3:::acme-*'] },
    { restoreBucketArns: [`${TARGET_BUCKET}/*`] },
    { restoreBucketArns: [TARGET_TABLE] },
  ]) {
    // Act
    const build = () => buildRestoreFunctions(bad);

    // Assess
    assert.throws(build, (error: unknown) => error instanceof InvalidPropsError && /^restore target (table|bucket) ARNs: /.test(error.message), JSON.stringify(bad));
  }
});

test('each ASL placeholder is substituted with its own function\'s ARN', () => {
  // Act
  const substitutions = restoreMachine.DefinitionSubstitutions;

  // Assess
  assert.deepEqual(Object.keys(substitutions).sort(), STEPS.map((step) => RESTORE_STEP_SPECS[step].substitution).sort());
  for (const step of STEPS) {
    assert.deepEqual(substitutions[RESTORE_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [fn(step).id, 'Arn'] }, step);
  }
});

const restoreRoleId = restoreMachine.RoleArn['Fn::GetAtt'][0];
const backupRoleId = (resources[logicalId(stack, stack.backupWorkflow.stateMachine)]?.Properties as unknown as StateMachineProps).RoleArn['Fn::GetAtt'][0];

test('the restore workflow has a role of its own', () => {
  // Act
  const [restore, backup] = [restoreRoleId, backupRoleId];

  // Assess
  assert.notEqual(restore, backup, 'each workflow has its own role');
});

test('the restore state machine role may invoke exactly the six restore functions (unqualified ARNs), and nothing else in Lambda', () => {
  // Act
  const permissions = permissionsOf(template, restoreRoleId);

  // Assess
  assert.deepEqual(permissions.filter((p) => p.startsWith('lambda:')), pairs(['lambda:InvokeFunction'], STEPS.map((step) => `<${fn(step).id}.Arn>`)).sort());
  // Besides logging and tracing, only what its Distributed Map needs (distributed-map-grants.test.ts).
  for (const permission of permissions.filter((p) => !/^(lambda|states|s3|kms):/.test(p))) assert.match(permission, /^(logs|xray):\w+ on \*$/, permission);
});

test('the backup workflow may invoke none of the restore functions', () => {
  // Act
  const backupInvokes = permissionsOf(template, backupRoleId).join('\n');

  // Assess
  for (const step of STEPS) assert.ok(!backupInvokes.includes(fn(step).id), step);
});

test('no other principal may invoke the restore functions (no resource policies)', () => {
  // Prepare
  const fnIds = STEPS.map((step) => fn(step).id);

  // Act
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');

  // Assess
  for (const r of permissions) {
    for (const id of fnIds) assert.ok(!flat(r.Properties.FunctionName).includes(id), `a Lambda permission targets ${id}`);
  }
});

test('no schedule may start a restore', () => {
  // Act
  const schedulerPermissions = permissionsOf(template, logicalId(stack, stack.scheduler.role)).join('\n');

  // Assess
  assert.ok(!schedulerPermissions.includes(restoreMachineId));
});

test('the stack outputs the restore state machine ARN', () => {
  // Act
  const outputs = template.findOutputs('RestoreStateMachineArn');

  // Assess
  assert.equal(Object.keys(outputs).length, 1);
  template.hasOutput('RestoreStateMachineArn', { Value: { Ref: restoreMachineId } });
});

/** A stack of its own, and imported functions named by the given substitution keys (a fresh set each call). */
function aslProbe() {
  const probe = new Stack(new App(), 'AslProbe', { env: TEST_ENV });
  let imported = 0;
  const keysOf = (specs: Readonly<Record<string, { substitution: string }>>) => Object.values(specs).map((spec) => spec.substitution);
  const fakeFunctions = (keys: readonly string[]) =>
    Object.fromEntries(keys.map((key) => [key, lambda.Function.fromFunctionArn(probe, `Fn${(imported += 1)}`, `arn:aws:lambda:us-east-1:123456789012:function:${key}`)])) as Record<string, lambda.IFunction>;
  return { probe, keysOf, fakeFunctions };
}

test('WorkflowStateMachine refuses an ASL file whose placeholders differ from its functions\' keys', () => {
  // Prepare
  const { probe, keysOf, fakeFunctions } = aslProbe();

  // Act
  const wrong = () => new WorkflowStateMachine(probe, 'Wrong', { definitionFile: RESTORE_DEFINITION_FILE, functions: fakeFunctions(keysOf(BACKUP_STEP_SPECS)) });
  const fewer = () => new WorkflowStateMachine(probe, 'Fewer', { definitionFile: RESTORE_DEFINITION_FILE, functions: fakeFunctions(keysOf(RESTORE_STEP_SPECS).slice(1)) });

  // Assess
  assert.throws(
    wrong,
    (error: unknown) => error instanceof InvalidPropsError && error.message.includes(RESTORE_STEP_SPECS.plan.substitution) && error.message.includes(BACKUP_STEP_SPECS.plan.substitution),
  );
  assert.throws(
    fewer,
    (error: unknown) => error instanceof InvalidPropsError && error.message.includes(RESTORE_STEP_SPECS.plan.substitution),
  );
});

test('WorkflowStateMachine accepts an ASL file whose placeholders are its functions\' keys', () => {
  // Prepare
  const { probe, keysOf, fakeFunctions } = aslProbe();

  const vaultKey = new VaultKey(probe, 'VaultKey');
  const itemLists = { vault: new VaultBucket(probe, 'Vault', { encryptionKey: vaultKey.key }), vaultKey };

  // Act
  const right = () => new WorkflowStateMachine(probe, 'Right', { definitionFile: RESTORE_DEFINITION_FILE, functions: fakeFunctions(keysOf(RESTORE_STEP_SPECS)), itemLists });

  // Assess
  assert.doesNotThrow(right);
});

test('WorkflowStateMachine refuses a definition whose Map reads an item list without the vault that stages it', () => {
  // Prepare
  const { probe, keysOf, fakeFunctions } = aslProbe();

  // Act
  const withoutVault = () => new WorkflowStateMachine(probe, 'NoVault', { definitionFile: RESTORE_DEFINITION_FILE, functions: fakeFunctions(keysOf(RESTORE_STEP_SPECS)) });

  // Assess
  assert.throws(withoutVault, (error: unknown) => error instanceof InvalidPropsError && error.message.includes('itemLists'));
});

test('WorkflowFunctions refuses two steps filling one placeholder', () => {
  // Prepare
  const probe = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'DupProbe', { env: TEST_ENV });
  const vaultKey = new VaultKey(probe, 'Key');
  const step = { entry: RESTORE_ENTRY, description: 'probe', memorySize: 256, timeout: Duration.minutes(1), catalog: CatalogAccess.None, vault: VaultAccess.None, events: false, substitution: 'SameArn' } as const;

  // Act
  const build = () =>
    new WorkflowFunctions(probe, 'Dup', {
      steps: { a: { ...step, id: 'A', handler: 'plan' }, b: { ...step, id: 'B', handler: 'validate' } },
      vault: new VaultBucket(probe, 'Vault', { encryptionKey: vaultKey.key }),
      vaultKey,
      catalog: new CatalogTable(probe, 'Catalog'),
    });

  // Assess
  assert.throws(build, InvalidPropsError);
});

const readContext = (context: Record<string, unknown>) => readHavenContext(new App({ context }).node);

test('readHavenContext: restore target ARN lists like the source lists', () => {
  // Act
  const read = [
    readContext({ [HavenContextKey.RestoreTableArns]: [TARGET_TABLE, TARGET_TABLE] }),
    readContext({ [HavenContextKey.RestoreTableArns]: ` ${TARGET_TABLE} ,${TARGET_TABLE_2},` }),
    readContext({ [HavenContextKey.RestoreBucketArns]: `["${TARGET_BUCKET}"]` }),
    readContext({ [HavenContextKey.RestoreBucketArns]: [], [HavenContextKey.RestoreTableArns]: '' }),
    readContext({ [HavenContextKey.SourceBucketArns]: [SOURCE_BUCKET], [HavenContextKey.RestoreBucketArns]: [TARGET_BUCKET] }),
  ];

  // Assess
  assert.deepEqual(read, [
    { restoreTableArns: [TARGET_TABLE] },
    { restoreTableArns: [TARGET_TABLE, TARGET_TABLE_2] },
    { restoreBucketArns: [TARGET_BUCKET] },
    {},
    { sourceBucketArns: [SOURCE_BUCKET], restoreBucketArns: [TARGET_BUCKET] },
  ]);
});

test('readHavenContext: bad restore target ARN lists are InvalidContextError', () => {
  // Prepare
  const cases: [Record<string, unknown>, string][] = [
    [{ [HavenContextKey.RestoreTableArns]: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' }, HavenContextKey.RestoreTableArns],
    [{ [HavenContextKey.RestoreTableArns]: '[not json' }, HavenContextKey.RestoreTableArns],
    [{ [HavenContextKey.RestoreTableArns]: [TARGET_BUCKET] }, HavenContextKey.RestoreTableArns],
    [{ [HavenContextKey.RestoreBucketArns]: { arn: TARGET_BUCKET } }, HavenContextKey.RestoreBucketArns],
    [{ [HavenContextKey.RestoreBucketArns]: `${TARGET_BUCKET}/*` }, HavenContextKey.RestoreBucketArns],
  ];
  for (const [context, key] of cases) {
    // Act
    const read = () => readContext(context);

    // Assess
    assert.throws(read, (error: unknown) => error instanceof InvalidContextError && error.key === key, JSON.stringify(context));
  }
});
