/**
 * The verify workflow's eight functions: one entry with a named export per
 * step, exactly the permissions each step needs (scratch create/delete only
 * on `haven-verify-*`), the scratch lifecycle rule, and the state machine
 * wiring (substitutions, invoke permission, output).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HavenEnv } from '../../control/env.js';
import { VERIFY_ENTRY, VERIFY_STEP_SPECS, type VerifyStep } from '../../infra/constructs/verify-functions.js';
import { functionEntry, VERIFY_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';
import { flat, list, logicalId, pairs, permissionsOf, via, type Statement } from './support/template.js';
import { EVENTS, workflowFixture, type StateMachineProps } from './support/workflow-fixture.js';

const synth = synthHaven();
const { stack, template } = synth;
const { resources, vaultBucketId, vaultKeyId, NOTIFY, catalog, VAULT_WRITE, VAULT_READ, CLEAR_STAGING, logsOf, fnOf } = workflowFixture(synth);

type Vault = 'none' | 'read' | 'write';
type Catalog = 'none' | 'readWrite';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/haven-verify-*';
const scratchBucketId = logicalId(stack, stack.verifyFunctions.scratchBucket);
const OBJECTS = `<${scratchBucketId}.Arn>/haven-verify-*`;
const SCRATCH_BUCKET = `<${scratchBucketId}.Arn>`;
const BUCKET = `<${vaultBucketId}.Arn>`;
const VAULT_KEY = `<${vaultKeyId}.Arn>`;

/**
 * What each step needs, written out independently of VERIFY_STEP_SPECS
 * (control/workflows/verify/*, control/verification/*): plan, check-packs,
 * prepare-scratch and restore-partition stage into the vault (item lists,
 * each batch's and each partition's result); the scratch steps read the staged
 * plan, restore into and read back SSE-KMS objects of the scratch bucket and
 * head it (ListBucket with no prefix); cleanup lists and deletes every
 * version; finalize and mark-failed read and clear the run's staging.
 */
const EXPECTED: Record<VerifyStep, { catalog: Catalog; vault: Vault; clearsStaging: boolean; events: boolean; scratch: string[] }> = {
  plan: { catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false, scratch: [] },
  checkPacks: { catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false, scratch: [`s3:ListBucketVersions on ${BUCKET} if StringLike s3:prefix=*/data/*`] },
  prepareScratch: {
    catalog: 'readWrite',
    vault: 'write',
    clearsStaging: false,
    events: false,
    scratch: [...pairs(['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:UpdateTimeToLive'], [TABLE]), `s3:ListBucket on ${SCRATCH_BUCKET}`],
  },
  restorePartition: {
    catalog: 'none',
    vault: 'write',
    clearsStaging: false,
    events: false,
    scratch: [
      ...pairs(['dynamodb:BatchWriteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem'], [TABLE]),
      ...pairs(['s3:AbortMultipartUpload', 's3:PutObject'], [OBJECTS]),
      `s3:ListBucket on ${SCRATCH_BUCKET}`,
      `kms:GenerateDataKey on ${VAULT_KEY}${via('s3')}`,
    ],
  },
  compare: {
    catalog: 'none',
    vault: 'read',
    clearsStaging: false,
    events: false,
    scratch: [...pairs(['dynamodb:DescribeTable', 'dynamodb:Scan'], [TABLE]), `s3:GetObject on ${OBJECTS}`, `s3:ListBucket on ${SCRATCH_BUCKET}`],
  },
  cleanupScratch: {
    catalog: 'none',
    vault: 'none',
    clearsStaging: false,
    events: false,
    scratch: [
      `dynamodb:DeleteTable on ${TABLE}`,
      ...pairs(['s3:DeleteObject', 's3:DeleteObjectVersion'], [OBJECTS]),
      `s3:ListBucket on ${SCRATCH_BUCKET}`,
      `s3:ListBucketVersions on ${SCRATCH_BUCKET} if StringLike s3:prefix=haven-verify-*`,
    ],
  },
  finalize: { catalog: 'readWrite', vault: 'read', clearsStaging: true, events: true, scratch: [] },
  markFailed: { catalog: 'readWrite', vault: 'read', clearsStaging: true, events: true, scratch: [] },
};
const STEPS = Object.keys(EXPECTED) as VerifyStep[];
const fn = (step: VerifyStep) => fnOf(stack.verifyFunctions.functions[step]);
const machineId = logicalId(stack, stack.verifyWorkflow.stateMachine);
const machine = resources[machineId]?.Properties as unknown as StateMachineProps;

test('eight verify functions, each its own role', () => {
  // Act
  const roles = new Set(STEPS.map((s) => fn(s).roleId));

  // Assess
  assert.equal(roles.size, 8);
});

test('the verify functions run one entry on nodejs22.x, each calling the export named as its step', () => {
  for (const step of STEPS) {
    // Act
    const { props } = fn(step);

    // Assess
    assert.equal(VERIFY_ENTRY, functionEntry('verify', 'handlers'));
    assert.equal(VERIFY_STEP_SPECS[step].entry, VERIFY_ENTRY, step);
    assert.equal(props.Handler, `index.${step}`, step);
    assert.equal(props.Runtime, 'nodejs22.x', step);
  }
});

test('each role has exactly: its log group, the catalog and the vault at its levels, its scratch grants, PutEvents and publish on the notification topic for finalize and mark-failed', () => {
  // Prepare
  const vault: Record<Vault, string[]> = { none: [], read: VAULT_READ, write: VAULT_WRITE };
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const { catalog: level, clearsStaging, events, scratch } = EXPECTED[step];
    const expected = [...new Set([...logsOf(logGroupId), ...(level === 'none' ? [] : catalog(level)), ...vault[EXPECTED[step].vault], ...(clearsStaging ? CLEAR_STAGING : []), ...scratch, ...(events ? [...EVENTS, ...NOTIFY] : [])])].sort();

    // Act
    const permissions = permissionsOf(template, roleId);

    // Assess
    assert.deepEqual(permissions, expected, step);
  }
});

/** Every statement of a verify step's role. */
const statementsOf = (step: VerifyStep): Statement[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${fn(step).roleId}"`))
    .flatMap((r) => list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement));

test('version listings are limited by prefix (scratch to haven-verify-*, packs to data/* of every vault)', () => {
  for (const step of STEPS) {
    // Act
    const listings = statementsOf(step).filter((s) => list(s.Action).includes('s3:ListBucketVersions'));

    // Assess
    for (const s of listings) {
      const prefixes = (s.Condition as { StringLike: Record<string, string[]> }).StringLike['s3:prefix'];
      assert.deepEqual(prefixes, step === 'checkPacks' ? ['*/data/*'] : ['haven-verify-*'], step);
    }
  }
});

test('no ListBucket is conditioned on a prefix HeadBucket never sends', () => {
  for (const step of STEPS) {
    // Act
    const listings = statementsOf(step).filter((s) => list(s.Action).includes('s3:ListBucket'));

    // Assess
    for (const s of listings) assert.equal(s.Condition, undefined, step);
  }
});

test('nothing deletes or creates anything but scratch targets', () => {
  for (const step of STEPS) {
    // Act
    const changes = permissionsOf(template, fn(step).roleId).filter((x) => /CreateTable|DeleteTable|DeleteObjectVersion/.test(x));

    // Assess
    for (const p of changes) assert.ok(p.endsWith(TABLE) || p.endsWith(OBJECTS), `${step}: ${p}`);
  }
});

const scratchBucket = () => resources[scratchBucketId]!.Properties as Record<string, unknown> & { LifecycleConfiguration: { Rules: Array<{ Id?: string; ExpirationInDays?: number; Status: string }> } };

test('scratch objects live in their own bucket: under the vault key, with neither versioning nor Object Lock', () => {
  // Act
  const scratch = scratchBucket();

  // Assess
  assert.equal(scratch.VersioningConfiguration, undefined);
  assert.equal(scratch.ObjectLockEnabled, undefined);
  assert.match(JSON.stringify(scratch.BucketEncryption), new RegExp(vaultKeyId));
});

test('scratch objects expire after two days, and nothing of the test restores is in the vault bucket\'s rules', () => {
  // Act
  const rule = scratchBucket().LifecycleConfiguration.Rules.find((r) => r.Id === 'expire-verify-scratch');
  const vault = resources[vaultBucketId]!.Properties as { LifecycleConfiguration: { Rules: Array<{ Id?: string }> } };

  // Assess
  assert.equal(rule?.ExpirationInDays, 2);
  assert.equal(rule?.Status, 'Enabled');
  assert.ok(!vault.LifecycleConfiguration.Rules.some((r) => r.Id === 'expire-verify-scratch'), 'nothing of the test restores is in the vault bucket');
});

test('every verify function is told the scratch bucket\'s name', () => {
  for (const step of STEPS) {
    // Act
    const variables = (fn(step).props.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assess
    assert.deepEqual(variables[HavenEnv.ScratchBucket], { Ref: scratchBucketId }, step);
  }
});

test('the verify state machine substitutes each function', () => {
  // Act
  const substitutions = machine.DefinitionSubstitutions;

  // Assess
  assert.deepEqual(Object.keys(substitutions).sort(), STEPS.map((step) => VERIFY_STEP_SPECS[step].substitution).sort());
  for (const step of STEPS) assert.deepEqual(substitutions[VERIFY_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [fn(step).id, 'Arn'] }, step);
});

test('the verify state machine may invoke exactly those eight', () => {
  // Act
  const permissions = permissionsOf(template, machine.RoleArn['Fn::GetAtt'][0]);

  // Assess
  assert.deepEqual(permissions.filter((p) => p.startsWith('lambda:')), pairs(['lambda:InvokeFunction'], STEPS.map((s) => `<${fn(s).id}.Arn>`)).sort());
});

test('the stack outputs the verify state machine ARN', () => {
  // Act
  const outputs = template.findOutputs('VerifyStateMachineArn');

  // Assess
  assert.equal(Object.keys(outputs).length, 1);
  template.hasOutput('VerifyStateMachineArn', { Value: { Ref: machineId } });
  assert.ok(flat(vaultKeyId).length > 0);
});

test('the test restore can write scratch objects in the SSE-KMS scratch bucket: restore-partition may generate data keys through S3', () => {
  // Act
  const restore = permissionsOf(template, fn('restorePartition').roleId);

  // Assess
  assert.ok(restore.includes(`kms:GenerateDataKey on ${VAULT_KEY}${via('s3')}`));
  assert.ok(restore.includes(`kms:Decrypt on ${VAULT_KEY}`), 'multipart uploads need Decrypt too (from its vault read)');
});

test('the test restore can read back scratch objects: compare may decrypt and head the bucket', () => {
  // Act
  const compare = permissionsOf(template, fn('compare').roleId);

  // Assess
  assert.deepEqual(compare.filter((p) => p.startsWith('kms:')), [`kms:Decrypt on ${VAULT_KEY}`]);
  assert.ok(compare.includes(`s3:GetObject on ${OBJECTS}`));
  assert.ok(compare.includes(`s3:ListBucket on ${SCRATCH_BUCKET}`), 'HeadBucket before listing the scratch prefix');
});

test('still nag-clean', () => {
  // Act
  const report = synth.nag.validateScope(stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => `${v.ruleName} ${JSON.stringify(v).slice(0, 300)}`), []);
});

/** A Map state of the verify definition, as far as these tests read it. */
interface MapState {
  ItemReader?: { Resource: string; ReaderConfig: { InputType: string }; Parameters: Record<string, string> };
  ItemBatcher?: { MaxItemsPerBatchPath?: string; BatchInput?: Record<string, string> };
  MaxConcurrencyPath?: string;
  ResultPath?: string | null;
  ToleratedFailurePercentage?: number;
  ToleratedFailureCount?: number;
  ItemProcessor: { ProcessorConfig: { Mode: string; ExecutionType?: string }; StartAt: string; States: Record<string, { Type: string; Resource?: string; Parameters?: Record<string, unknown>; Catch?: Array<{ ErrorEquals: string[]; Next: string }>; Next?: string }> };
}

const VERIFY_MAPS = { 'Check packs': '$.plan', 'Restore into scratch': '$.scratch' } as const;

for (const [name, planned] of Object.entries(VERIFY_MAPS)) {
  test(`${name} is a Distributed Map over the item list staged at ${planned}.items, batched and bounded by what was planned, with nothing in its output`, () => {
    // Prepare
    const definition = JSON.parse(readFileSync(VERIFY_DEFINITION_FILE, 'utf8')) as { States: Record<string, MapState> };

    // Act
    const map = definition.States[name]!;

    // Assess
    assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    assert.deepEqual(map.ItemReader, { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': `${planned}.items.bucket`, 'Key.$': `${planned}.items.key` } });
    assert.equal(map.ItemBatcher?.MaxItemsPerBatchPath, `${planned}.items_per_batch`);
    assert.equal(map.ItemBatcher?.BatchInput?.['context.$'], '$.plan.context', 'every child has the run for its Record failure');
    assert.equal(map.MaxConcurrencyPath, `${planned}.max_concurrency`);
    assert.equal(map.ResultPath, null);
    assert.equal(map.ToleratedFailurePercentage ?? map.ToleratedFailureCount, undefined, 'one failed child fails the Map');
  });

  test(`${name}: a child whose Task fails records the failure through Mark failed (from_item) and then fails`, () => {
    // Prepare
    const definition = JSON.parse(readFileSync(VERIFY_DEFINITION_FILE, 'utf8')) as { States: Record<string, MapState> };
    const { StartAt, States } = definition.States[name]!.ItemProcessor;

    // Act
    const record = States[States[StartAt]!.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next ?? '']!;

    // Assess
    assert.equal(record.Resource, `\${${VERIFY_STEP_SPECS.markFailed.substitution}}`);
    assert.deepEqual(record.Parameters, { 'context.$': '$.BatchInput.context', 'error.$': '$.error', from_item: true });
    assert.equal(States[record.Next ?? '']?.Type, 'Fail');
  });
}
