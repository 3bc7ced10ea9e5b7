/**
 * The verify workflow's eight functions: one entry with a named export per
 * step, exactly the permissions each step needs (scratch create/delete only
 * on `haven-verify-*`), the scratch lifecycle rule, and the state machine
 * wiring (substitutions, invoke permission, output).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import { VERIFY_ENTRY, VERIFY_STEP_SPECS, type VerifyStep } from '../../infra/constructs/verify-functions.js';
import { functionEntry } from '../../infra/paths.js';
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
 * (control/workflows/verify/*, control/verification/*): plan, check-packs and
 * prepare-scratch stage into the vault; the scratch steps read the staged
 * plan, restore into and read back SSE-KMS objects of the scratch bucket and
 * head it (ListBucket with no prefix); cleanup lists and deletes every
 * version; finalize and mark-failed read and clear the run's staging.
 */
const EXPECTED: Record<VerifyStep, { catalog: Catalog; vault: Vault; clearsStaging: boolean; events: boolean; scratch: string[] }> = {
  plan: { catalog: 'readWrite', vault: 'write', clearsStaging: false, events: false, scratch: [] },
  checkPacks: { catalog: 'none', vault: 'write', clearsStaging: false, events: false, scratch: [`s3:ListBucketVersions on ${BUCKET} if StringLike s3:prefix=vault/data/*`] },
  prepareScratch: {
    catalog: 'readWrite',
    vault: 'write',
    clearsStaging: false,
    events: false,
    scratch: [...pairs(['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:UpdateTimeToLive'], [TABLE]), `s3:ListBucket on ${SCRATCH_BUCKET}`],
  },
  restorePartition: {
    catalog: 'none',
    vault: 'read',
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

test('eight verify functions from one entry, each its own role, calling the export named as its step', () => {
  assert.equal(VERIFY_ENTRY, functionEntry('verify', 'handlers'));
  assert.equal(new Set(STEPS.map((s) => fn(s).roleId)).size, 8);
  for (const step of STEPS) {
    assert.equal(VERIFY_STEP_SPECS[step].entry, VERIFY_ENTRY, step);
    assert.equal(fn(step).props.Handler, `index.${step}`, step);
    assert.equal(fn(step).props.Runtime, 'nodejs22.x', step);
  }
});

test('each role has exactly: its log group, the catalog and the vault at its levels, its scratch grants, PutEvents and publish on the notification topic for finalize and mark-failed', () => {
  const vault: Record<Vault, string[]> = { none: [], read: VAULT_READ, write: VAULT_WRITE };
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const { catalog: level, clearsStaging, events, scratch } = EXPECTED[step];
    const expected = [...new Set([...logsOf(logGroupId), ...(level === 'none' ? [] : catalog(level)), ...vault[EXPECTED[step].vault], ...(clearsStaging ? CLEAR_STAGING : []), ...scratch, ...(events ? [...EVENTS, ...NOTIFY] : [])])].sort();
    assert.deepEqual(permissionsOf(template, roleId), expected, step);
  }
});

test('version listings are limited by prefix (scratch to haven-verify-*, packs to vault/data/*); no ListBucket is conditioned on a prefix HeadBucket never sends', () => {
  for (const step of STEPS) {
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::IAM::Policy' || !JSON.stringify(r.Properties.Roles).includes(`"${fn(step).roleId}"`)) continue;
      for (const s of list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)) {
        const actions = list(s.Action);
        if (actions.includes('s3:ListBucketVersions')) {
          const prefixes = (s.Condition as { StringLike: Record<string, string[]> }).StringLike['s3:prefix'];
          assert.deepEqual(prefixes, step === 'checkPacks' ? ['vault/data/*'] : ['haven-verify-*'], step);
        }
        if (actions.includes('s3:ListBucket')) assert.equal(s.Condition, undefined, step);
      }
    }
  }
  // Nothing deletes or creates anything but scratch targets.
  for (const step of STEPS) {
    for (const p of permissionsOf(template, fn(step).roleId).filter((x) => /CreateTable|DeleteTable|DeleteObjectVersion/.test(x))) {
      assert.ok(p.endsWith(TABLE) || p.endsWith(OBJECTS), `${step}: ${p}`);
    }
  }
});

test('scratch objects live in their own bucket: under the vault key, with neither versioning nor Object Lock, expired after two days, and every verify function is told its name', () => {
  const scratch = resources[scratchBucketId]!.Properties as Record<string, unknown> & { LifecycleConfiguration: { Rules: Array<{ Id?: string; ExpirationInDays?: number; Status: string }> } };
  assert.equal(scratch.VersioningConfiguration, undefined);
  assert.equal(scratch.ObjectLockEnabled, undefined);
  assert.match(JSON.stringify(scratch.BucketEncryption), new RegExp(vaultKeyId));
  const rule = scratch.LifecycleConfiguration.Rules.find((r) => r.Id === 'expire-verify-scratch');
  assert.equal(rule?.ExpirationInDays, 2);
  assert.equal(rule?.Status, 'Enabled');
  const vault = resources[vaultBucketId]!.Properties as { LifecycleConfiguration: { Rules: Array<{ Id?: string }> } };
  assert.ok(!vault.LifecycleConfiguration.Rules.some((r) => r.Id === 'expire-verify-scratch'), 'nothing of the test restores is in the vault bucket');
  for (const step of STEPS) {
    const variables = (fn(step).props.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.deepEqual(variables[HavenEnv.ScratchBucket], { Ref: scratchBucketId }, step);
  }
});

test('the verify state machine substitutes each function and may invoke exactly those eight', () => {
  assert.deepEqual(Object.keys(machine.DefinitionSubstitutions).sort(), STEPS.map((step) => VERIFY_STEP_SPECS[step].substitution).sort());
  for (const step of STEPS) assert.deepEqual(machine.DefinitionSubstitutions[VERIFY_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [fn(step).id, 'Arn'] }, step);
  const permissions = permissionsOf(template, machine.RoleArn['Fn::GetAtt'][0]);
  assert.deepEqual(permissions.filter((p) => p.startsWith('lambda:')), pairs(['lambda:InvokeFunction'], STEPS.map((s) => `<${fn(s).id}.Arn>`)).sort());
  template.hasOutput('VerifyStateMachineArn', { Value: { Ref: machineId } });
  assert.ok(flat(vaultKeyId).length > 0);
});

test('the test restore can write and read back scratch objects in the SSE-KMS scratch bucket: restore-partition may generate data keys only through S3, compare decrypt and head the bucket', () => {
  const restore = permissionsOf(template, fn('restorePartition').roleId);
  assert.ok(restore.includes(`kms:GenerateDataKey on ${VAULT_KEY}${via('s3')}`));
  assert.ok(restore.includes(`kms:Decrypt on ${VAULT_KEY}`), 'multipart uploads need Decrypt too (from its vault read)');
  assert.ok(!restore.includes(`kms:GenerateDataKey on ${VAULT_KEY}`), 'never wraps vault keys itself');
  const compare = permissionsOf(template, fn('compare').roleId);
  assert.deepEqual(compare.filter((p) => p.startsWith('kms:')), [`kms:Decrypt on ${VAULT_KEY}`]);
  assert.ok(compare.includes(`s3:GetObject on ${OBJECTS}`));
  assert.ok(compare.includes(`s3:ListBucket on ${SCRATCH_BUCKET}`), 'HeadBucket before listing the scratch prefix');
});

test('still nag-clean', () => {
  assert.deepEqual(synth.nag.validateScope(stack).violations.map((v) => `${v.ruleName} ${JSON.stringify(v).slice(0, 300)}`), []);
});
