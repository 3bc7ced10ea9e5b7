/**
 * The backup workflow's functions: runtime, sizing, environment, exactly
 * the permissions each step needs, the source grants driven by context, and
 * the state machine wiring (substitutions and invoke permission).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Stack } from 'aws-cdk-lib';
import { HavenEnv } from '../../control/env.js';
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
const { resources, tableId, vaultBucketId, vaultKeyId, NOTIFY, catalog, VAULT_READ, VAULT_WRITE, CLEAR_STAGING, logsOf, fnOf } = workflowFixture(synth);

const SOURCE_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SOURCE_TABLE_2 = 'arn:aws:dynamodb:eu-west-1:123456789012:table/customers';
const SOURCE_BUCKET = 'arn:aws:s3:::acme-data';

type Catalog = 'none' | 'read' | 'readWrite';
type Vault = 'none' | 'read' | 'write';

/**
 * What each step's engine code does, written out independently of BACKUP_STEP_SPECS
 * (control/workflows/backup/*): plan creates the vault, stages the plan, and on
 * failure records it, clears staging and publishes Backup Failed; export writes
 * packs and a staged manifest and updates progress; commit writes the snapshot
 * and clears staging without opening a record; plan-verify reads the job and
 * the vault and stages the packs to read back; verify-packs stages each pack
 * batch's result; record-verification reads those and clears staging;
 * finalize and mark-failed record the outcome and publish it; list-source
 * stages the pieces of a large prefix's listing, join-listing reads them and
 * stages the next round or the partitions and marks the run running.
 */
const copyMachineId = logicalId(stack, stack.copyWorkflow.stateMachine);
const EXPECTED: Record<BackupStep, { memory: number; timeout: number; catalog: Catalog; vault: Vault; clearsStaging: boolean; events: boolean; extra?: string[] }> = {
  plan: { memory: 1024, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: true, events: true },
  // list-source and join-listing list the source bucket's key ranges (ListBucket, granted with the source's data access)
  listSource: { memory: 1024, timeout: 900, catalog: 'none', vault: 'write', clearsStaging: false, events: false },
  joinListing: { memory: 1024, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false },
  holdSnapshot: { memory: 256, timeout: 900, catalog: 'read', vault: 'write', clearsStaging: false, events: false },
  exportPartition: { memory: 2048, timeout: 900, catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false },
  releaseSnapshot: { memory: 256, timeout: 60, catalog: 'none', vault: 'write', clearsStaging: false, events: false },
  commit: { memory: 1024, timeout: 900, catalog: 'none', vault: 'write', clearsStaging: true, events: false },
  planVerify: { memory: 1024, timeout: 900, catalog: 'read', vault: 'write', clearsStaging: false, events: false },
  // verify-packs reads each pack's versions (the verify workflow's pack check), on data/ only
  verifyPacks: { memory: 1024, timeout: 900, catalog: 'none', vault: 'write', clearsStaging: false, events: false, extra: [`s3:ListBucketVersions on <${vaultBucketId}.Arn> if StringLike s3:prefix=*/data/*`] },
  recordVerification: { memory: 512, timeout: 900, catalog: 'none', vault: 'write', clearsStaging: true, events: false },
  finalize: { memory: 256, timeout: 60, catalog: 'readWrite', vault: 'none', clearsStaging: false, events: true },
  // start-copies starts the copy workflow, nothing else
  startCopies: { memory: 256, timeout: 60, catalog: 'none', vault: 'none', clearsStaging: false, events: false, extra: [`states:StartExecution on <${copyMachineId}>`] },
  markFailed: { memory: 256, timeout: 60, catalog: 'readWrite', vault: 'read', clearsStaging: true, events: true },
};
const STEPS = Object.keys(EXPECTED) as BackupStep[];

const fn = (step: BackupStep) => fnOf(stack.backupFunctions.functions[step]);
const backupMachineId = logicalId(stack, stack.backupWorkflow.stateMachine);

test('as many backup functions as steps (besides the other workflows\' and the API function)', () => {
  // Prepare
  const others = [stack.restoreFunctions, stack.verifyFunctions, stack.pruneFunctions, stack.copyFunctions].reduce((n, f) => n + Object.keys(f.functions).length, 1);

  // Act
  const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');

  // Assess
  assert.equal(functions.length, STEPS.length + others);
});

test('each backup function has its own role and log group', () => {
  // Act
  const roles = new Set(STEPS.map((step) => fn(step).roleId));
  const groups = new Set(STEPS.map((step) => fn(step).logGroupId));

  // Assess
  assert.equal(roles.size, STEPS.length);
  assert.equal(groups.size, STEPS.length);
});

test('each runs functions/backup/handlers.ts, calling the export named as its step', () => {
  for (const step of STEPS) {
    // Act
    const handler = fn(step).props.Handler;

    // Assess
    assert.equal(BACKUP_STEP_SPECS[step].entry, functionEntry('backup', 'handlers'), step);
    assert.equal(handler, `index.${step}`, step);
  }
});

test('nodejs22.x on arm64, with the memory and timeout each step needs', () => {
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

test('each role has exactly: its log group, the catalog at its level, the vault at its level (and staging deletes where it clears staging), PutEvents and the topic where it publishes', () => {
  // Prepare
  const vault: Record<Vault, string[]> = { none: [], read: VAULT_READ, write: VAULT_WRITE };
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const { catalog: level, clearsStaging, events, extra = [] } = EXPECTED[step];
    const expected = [
      ...logsOf(logGroupId),
      ...(level === 'none' ? [] : catalog(level)),
      ...vault[EXPECTED[step].vault],
      ...(clearsStaging ? CLEAR_STAGING : []),
      ...(events ? [...EVENTS, ...NOTIFY] : []),
      ...extra,
    ].sort();

    // Act
    const permissions = permissionsOf(template, roleId);

    // Assess
    assert.deepEqual(permissions, expected, step);
  }
});

test('plan publishes Backup Failed when it fails (PutEvents and the notification topic), so AccessDenied never replaces the real error', () => {
  // Act
  const permissions = permissionsOf(template, fn('plan').roleId);

  // Assess
  for (const p of [...EVENTS, ...NOTIFY]) assert.ok(permissions.includes(p), p);
});

test('no backup step may scan, batch or delete catalog items, nor use the catalog key beyond Decrypt through DynamoDB', () => {
  for (const step of STEPS) {
    // Act
    const catalogPermissions = permissionsOf(template, fn(step).roleId).filter((x) => x.includes(tableId) || x.includes('CatalogKey'));

    // Assess
    for (const p of catalogPermissions) {
      assert.match(p, /^(dynamodb:(GetItem|PutItem|UpdateItem) on <\w+\.Arn>|dynamodb:Query on <\w+\.Arn>\/index\/gsi[12]|kms:Decrypt on <CatalogKey\w+\.Arn> if StringEquals kms:ViaService=dynamodb\.us-east-1\.<AWS::URLSuffix>)$/, `${step}: ${p}`);
    }
  }
});

test('finalize touches neither the vault bucket nor the vault key', () => {
  // Act
  const text = permissionsOf(template, fn('finalize').roleId).join('\n');

  // Assess
  assert.doesNotMatch(text, new RegExp(vaultBucketId));
  assert.doesNotMatch(text, new RegExp(vaultKeyId));
});

test('no source grants unless sources are listed', () => {
  for (const step of STEPS) {
    // Act
    const permissions = permissionsOf(template, fn(step).roleId);

    // Assess
    for (const permission of permissions) {
      assert.doesNotMatch(permission, /DescribeTimeToLive|on arn:aws:(dynamodb|s3):/, `${step}: ${permission}`);
    }
  }
});

/** The stack with source tables and a bucket listed in context: synthesized once, only read by the tests below. */
const withSources = synthHaven({
  context: {
    [HavenContextKey.SourceTableArns]: `${SOURCE_TABLE}, ${SOURCE_TABLE_2}`,
    [HavenContextKey.SourceBucketArns]: JSON.stringify([SOURCE_BUCKET]),
  },
});
const sourcePermissions = (step: BackupStep) => {
  const id = logicalId(withSources.stack, withSources.stack.backupFunctions.functions[step].function);
  const roleId = (withSources.template.toJSON().Resources[id].Properties as FunctionProps).Role['Fn::GetAtt'][0];
  return permissionsOf(withSources.template, roleId).filter((p) => / on arn:aws:(dynamodb|s3):/.test(p));
};

test('context haven:sourceTableArns / haven:sourceBucketArns: plan may describe and list', () => {
  // Act
  const permissions = sourcePermissions('plan');

  // Assess
  assert.deepEqual(
    permissions,
    [...pairs(['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], [SOURCE_TABLE, SOURCE_TABLE_2]), `s3:ListBucket on ${SOURCE_BUCKET}`].sort(),
  );
});

test('context haven:sourceTableArns / haven:sourceBucketArns: export-partition may scan, list and get', () => {
  // Act
  const permissions = sourcePermissions('exportPartition');

  // Assess
  assert.deepEqual(
    permissions,
    [
      ...pairs(['dynamodb:Scan'], [SOURCE_TABLE, `${SOURCE_TABLE}/index/*`, SOURCE_TABLE_2, `${SOURCE_TABLE_2}/index/*`]),
      // The S3 source lists the partition's key range again before getting each object.
      `s3:ListBucket on ${SOURCE_BUCKET}`,
      `s3:GetObject on ${SOURCE_BUCKET}/*`,
    ].sort(),
  );
});

test('context haven:sourceTableArns / haven:sourceBucketArns: no other backup step may touch the sources', () => {
  for (const step of ['holdSnapshot', 'releaseSnapshot', 'commit', 'planVerify', 'verifyPacks', 'recordVerification', 'finalize', 'markFailed'] as const) {
    // Act
    const permissions = sourcePermissions(step);

    // Assess
    assert.deepEqual(permissions, [], step);
  }
});

test('context haven:sourceTableArns / haven:sourceBucketArns: still nag-clean with the extra (scoped) wildcards', () => {
  // Act
  const report = withSources.nag.validateScope(withSources.stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => v.ruleName), []);
});

/** Backup functions alone in a stack of their own, with the given source props. */
const buildBackupFunctions = (props: { sourceTableArns?: string[]; sourceBucketArns?: string[] }) => {
  const probe = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SourceProbe', { env: TEST_ENV });
  const vaultKey = new VaultKey(probe, 'Key');
  new BackupFunctions(probe, 'Backup', {
    vault: new VaultBucket(probe, 'Vault', { encryptionKey: vaultKey.key }),
    vaultKey,
    catalog: new CatalogTable(probe, 'Catalog'),
    ...props,
  });
};

test('source ARN props: a table and a bucket ARN are accepted', () => {
  // Act
  const build = () => buildBackupFunctions({ sourceTableArns: [SOURCE_TABLE], sourceBucketArns: [SOURCE_BUCKET] });

  // Assess
  assert.doesNotThrow(build);
});

test('source ARN props: wildcards, paths and other services are refused', () => {
  for (const bad of [
    { sourceTableArns: ['arn:aws:dynamodb:us-east-1:123456789012:table/*'] },
    { sourceTableArns: ['*'] },
    { sourceTableArns: [`${SOURCE_TABLE}/index/gsi1`] },
    { sourceTableArns: [SOURCE_BUCKET] },
    { sourceBucketArns: ['arn:aws:s3:::acme-*'] },
    { sourceBucketArns: [`${SOURCE_BUCKET}/*`] },
    { sourceBucketArns: [SOURCE_TABLE] },
  ]) {
    // Act
    const build = () => buildBackupFunctions(bad);

    // Assess
    assert.throws(build, InvalidPropsError, JSON.stringify(bad));
  }
});

test('each ASL placeholder is substituted with its own function\'s ARN', () => {
  // Act
  const machine = resources[backupMachineId]?.Properties as unknown as StateMachineProps;

  // Assess
  assert.equal(Object.keys(machine.DefinitionSubstitutions).length, STEPS.length);
  for (const step of STEPS) {
    const { id } = fn(step);
    assert.deepEqual(machine.DefinitionSubstitutions[BACKUP_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [id, 'Arn'] }, step);
  }
});

test('the state machine role may invoke exactly its functions (unqualified ARNs), and nothing else in Lambda', () => {
  // Prepare
  const roleId = (resources[backupMachineId]?.Properties as unknown as StateMachineProps).RoleArn['Fn::GetAtt'][0];

  // Act
  const lambdaPermissions = permissionsOf(template, roleId).filter((p) => p.startsWith('lambda:'));

  // Assess
  assert.deepEqual(lambdaPermissions, pairs(['lambda:InvokeFunction'], STEPS.map((step) => `<${fn(step).id}.Arn>`)).sort());
  // Everything else the role may do is logging/tracing on "*" (checked in iam.test.ts), or what its Distributed Map needs (distributed-map-grants.test.ts).
  for (const permission of permissionsOf(template, roleId).filter((p) => !/^(lambda|states|s3|kms):/.test(p))) {
    assert.match(permission, /^(logs|xray):\w+ on \*$/, permission);
  }
});

test('no other principal may invoke the backup functions (no resource policies)', () => {
  // Prepare
  const fnIds = new Set(STEPS.map((step) => fn(step).id));

  // Act
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');

  // Assess
  for (const r of permissions) {
    const target = flat(r.Properties.FunctionName);
    for (const id of fnIds) assert.ok(!target.includes(id), `a Lambda permission targets ${id}`);
  }
});

test('no statement anywhere allows a wildcard action, nor a wildcard resource other than reviewed scoped suffixes', () => {
  // Prepare
  const scratchBucketId = logicalId(stack, stack.verifyFunctions.scratchBucket);
  const scopedSuffix = [`<${vaultBucketId}.Arn>/*`, `<${vaultBucketId}.Arn>/*/staging/*`, `<${scratchBucketId}.Arn>/haven-verify-*`, 'arn:aws:dynamodb:us-east-1:123456789012:table/haven-verify-*'];

  // Act
  const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy');

  // Assess
  for (const [id, r] of policies) {
    for (const s of list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)) {
      const actions = list(s.Action);
      const targets = list(s.Resource).map(flat);
      for (const action of actions) assert.ok(!action.includes('*'), `${id}: ${action}`);
      for (const target of targets.filter((t) => t.includes('*') && t !== '*')) {
        // The API function may stop executions of the two workflows (their names are record ids) and manage Haven's schedules.
        const api = id.startsWith('ApiFunction');
        const executions = api && list(s.Action).join() === 'states:StopExecution' && /:execution:\{"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Ref":"(Backup|Restore)WorkflowStateMachine[0-9A-F]{8}"\}\]\}\]\}:\*$/.test(target);
        const schedules = api && list(s.Action).every((a) => a.startsWith('scheduler:')) && target === 'arn:aws:scheduler:us-east-1:123456789012:schedule/haven/*';
        // …and delete single backups: their snapshot objects, nothing else under the vault prefix.
        // (and the copy step may delete the snapshot of a copy that fails its verification in the copy vault.)
        const copyStep = id.startsWith('CopyCopyToVault') && list(s.Action).join() === 's3:DeleteObject';
        const snapshots = (api || copyStep) && list(s.Action).includes('s3:DeleteObject') && target === `<${vaultBucketId}.Arn>/*/snapshots/*`;
        // A workflow's Distributed Map may describe and stop its own map runs' executions.
        const mapRuns = /WorkflowDistributedMapPolicy/.test(id) && /^arn:aws:states:us-east-1:123456789012:execution:<[A-Za-z]+WorkflowStateMachine[0-9A-F]{8}\.Name>\/\*$/.test(target);
        // A job's encryption.key_id is checked at save: DescribeKey (metadata only) on the account's keys in the stack's region.
        const describeKeys = api && list(s.Action).join() === 'kms:DescribeKey' && target === 'arn:aws:kms:us-east-1:123456789012:key/*';
        assert.ok(scopedSuffix.includes(target) || executions || schedules || snapshots || mapRuns || describeKeys, `${id}: wildcard resource ${target}`);
      }
    }
  }
});

const readContext = (context: Record<string, unknown>) => readHavenContext(new App({ context }).node);

test('readHavenContext: source ARN lists from cdk.json arrays, -c JSON arrays or comma lists', () => {
  // Act
  const read = [
    readContext({}),
    readContext({ [HavenContextKey.SourceTableArns]: [SOURCE_TABLE, SOURCE_TABLE] }),
    readContext({ [HavenContextKey.SourceTableArns]: ` ${SOURCE_TABLE} ,${SOURCE_TABLE_2},` }),
    readContext({ [HavenContextKey.SourceBucketArns]: `["${SOURCE_BUCKET}"]` }),
    readContext({ [HavenContextKey.SourceBucketArns]: [], [HavenContextKey.SourceTableArns]: '' }),
  ];

  // Assess
  assert.deepEqual(read, [
    {},
    { sourceTableArns: [SOURCE_TABLE] },
    { sourceTableArns: [SOURCE_TABLE, SOURCE_TABLE_2] },
    { sourceBucketArns: [SOURCE_BUCKET] },
    {},
  ]);
});

test('readHavenContext: bad source ARN lists are InvalidContextError', () => {
  // Prepare
  const cases: [Record<string, unknown>, string][] = [
    [{ [HavenContextKey.SourceTableArns]: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceTableArns]: '[not json' }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceTableArns]: { arn: SOURCE_TABLE } }, HavenContextKey.SourceTableArns],
    [{ [HavenContextKey.SourceBucketArns]: [SOURCE_BUCKET, 42] }, HavenContextKey.SourceBucketArns],
    [{ [HavenContextKey.SourceBucketArns]: `${SOURCE_BUCKET}/*` }, HavenContextKey.SourceBucketArns],
  ];
  for (const [context, key] of cases) {
    // Act
    const read = () => readContext(context);

    // Assess
    assert.throws(read, (error: unknown) => error instanceof InvalidContextError && error.key === key, JSON.stringify(context));
  }
});
