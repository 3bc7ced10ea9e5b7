/**
 * The prune workflow's four functions: one entry with a named export per
 * step, sizing, environment, exactly the permissions each step needs (prune
 * and apply-retention are the only roles that may delete vault objects
 * outside `staging/`; verify's cleanup-scratch deletes its `haven-verify-*`
 * scratch objects, which lie outside the vault prefix), the notification
 * topic for the two steps that publish outcome events, Object Lock grants only
 * with Object Lock, and the state machine wiring.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import { PRUNE_ENTRY, PRUNE_STEP_SPECS, type PruneStep } from '../../infra/constructs/prune-functions.js';
import { HavenContextKey } from '../../infra/config.js';
import { functionEntry } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';
import { flat, logicalId, pairs, permissionsOf } from './support/template.js';
import { EVENTS, workflowFixture, type StateMachineProps } from './support/workflow-fixture.js';

const synth = synthHaven();
const { stack, template } = synth;
const { resources, vaultBucketId, vaultKeyId, NOTIFY, catalog, VAULT_WRITE, CLEAR_STAGING, vaultPrune, logsOf, fnOf } = workflowFixture(synth);

/** What each step needs, written out independently of PRUNE_STEP_SPECS. */
const EXPECTED: Record<PruneStep, { memory: number; timeout: number; catalog: 'none' | 'read' | 'readWrite'; vault: 'write' | 'clearStaging' | 'prune' | 'none'; events: boolean; rerunnable: boolean }> = {
  // Opens the run's record, lists jobs.
  listJobs: { memory: 256, timeout: 300, catalog: 'readWrite', vault: 'none', events: false, rerunnable: true },
  // Annotates forgotten and kept backups.
  applyRetention: { memory: 512, timeout: 900, catalog: 'readWrite', vault: 'prune', events: true, rerunnable: false },
  // Reads executions (staging owners), stages the plan and item lists.
  planPrune: { memory: 1024, timeout: 900, catalog: 'read', vault: 'write', events: false, rerunnable: false },
  // Reads backups' retention dates, stages used blob ids.
  mark: { memory: 1024, timeout: 900, catalog: 'read', vault: 'write', events: false, rerunnable: true },
  // Stages per-pack counters.
  join: { memory: 2048, timeout: 900, catalog: 'none', vault: 'write', events: false, rerunnable: true },
  // Writes repacked packs and index objects, extends Object Lock.
  settle: { memory: 3008, timeout: 900, catalog: 'none', vault: 'prune', events: false, rerunnable: false },
  // Reads executions (staging owners), writes and deletes index objects.
  compact: { memory: 2048, timeout: 900, catalog: 'read', vault: 'prune', events: false, rerunnable: false },
  // Reads executions (staging owners), writes an index object, stages the sweep.
  recheck: { memory: 1024, timeout: 900, catalog: 'read', vault: 'write', events: false, rerunnable: false },
  // Deletes packs.
  sweep: { memory: 512, timeout: 900, catalog: 'none', vault: 'prune', events: false, rerunnable: true },
  // Sweeps staging areas, completes the run's record.
  prune: { memory: 512, timeout: 900, catalog: 'readWrite', vault: 'clearStaging', events: true, rerunnable: false },
  // Fails the run's record (creating it if List jobs never did), publishes Prune Failed.
  markFailed: { memory: 256, timeout: 60, catalog: 'readWrite', vault: 'none', events: true, rerunnable: true },
};
const STEPS = Object.keys(EXPECTED) as PruneStep[];
/** A vault access level's permissions. */
const vaultOf = (access: (typeof EXPECTED)[PruneStep]['vault']): string[] =>
  ({ none: [], write: VAULT_WRITE, clearStaging: [...VAULT_WRITE, ...CLEAR_STAGING], prune: vaultPrune(false) })[access];
const fn = (step: PruneStep) => fnOf(stack.pruneFunctions.functions[step]);
const machineId = logicalId(stack, stack.pruneWorkflow.stateMachine);
const machine = resources[machineId]?.Properties as unknown as StateMachineProps;

test('the prune functions beside the prune state machine, with their own roles', () => {
  // Act
  const roles = new Set(STEPS.map((step) => fn(step).roleId));

  // Assess
  assert.equal(resources[machineId]?.Type, 'AWS::StepFunctions::StateMachine');
  assert.equal(roles.size, STEPS.length);
});

test('one entry, each prune function calling the export named as its step', () => {
  // Act
  const handlers = STEPS.map((step) => [step, PRUNE_STEP_SPECS[step].entry, fn(step).props.Handler] as const);

  // Assess
  assert.equal(PRUNE_ENTRY, functionEntry('prune', 'handlers'));
  for (const [step, entry, handler] of handlers) {
    assert.equal(entry, PRUNE_ENTRY, step);
    assert.equal(handler, `index.${step}`, step);
  }
});

test('each prune function runs nodejs22.x with the memory and timeout its step needs', () => {
  for (const step of STEPS) {
    // Act
    const { props } = fn(step);

    // Assess
    assert.equal(props.Runtime, 'nodejs22.x', step);
    assert.equal(props.MemorySize, EXPECTED[step].memory, step);
    assert.equal(props.Timeout, EXPECTED[step].timeout, step);
  }
});

test('without Object Lock no prune function is told a mode', () => {
  for (const step of STEPS) {
    // Act
    const env = fn(step).props.Environment.Variables;

    // Assess
    assert.equal(env[HavenEnv.ObjectLockMode], undefined, step);
  }
});

test('only the steps a second attempt may run beside (List jobs opens the run record idempotently, Mark and Join rewrite the same staged objects, Sweep deletes again, Mark failed transitions it conditionally) are rerunnable', () => {
  // Prepare
  const expected = STEPS.filter((step) => EXPECTED[step].rerunnable);

  // Act
  const declared = STEPS.filter((step) => PRUNE_STEP_SPECS[step].rerunnable !== undefined);

  // Assess
  assert.deepEqual(declared, expected);
});

test('each role has exactly: its log group, the catalog, the prune vault grant where needed, PutEvents and publish on the notification topic where needed', () => {
  for (const step of STEPS) {
    // Prepare
    const { roleId, logGroupId } = fn(step);
    const expected = [...logsOf(logGroupId), ...(EXPECTED[step].catalog === 'none' ? [] : catalog(EXPECTED[step].catalog)), ...vaultOf(EXPECTED[step].vault), ...(EXPECTED[step].events ? [...EVENTS, ...NOTIFY] : [])].sort();

    // Act
    const permissions = permissionsOf(template, roleId);

    // Assess
    assert.deepEqual(permissions, expected, step);
  }
});

const pruneRoles = new Set(STEPS.filter((step) => EXPECTED[step].vault === 'prune').map((step) => fn(step).roleId));
const scratchBucketId = logicalId(stack, stack.verifyFunctions.scratchBucket);
/** Each role's deletes in the vault bucket or the verify scratch bucket, but the prune roles'. */
const otherDeletes = () =>
  Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !pruneRoles.has(id))
    .map(([id]) => [id, permissionsOf(template, id).filter((p) => p.startsWith('s3:DeleteObject') && (p.includes(vaultBucketId) || p.includes(scratchBucketId)))] as const);

test('the prune roles may delete vault objects outside staging/', () => {
  for (const roleId of pruneRoles) {
    // Act
    const deletes = permissionsOf(template, roleId).filter((p) => p.startsWith('s3:DeleteObject'));

    // Assess
    assert.deepEqual(deletes, [`s3:DeleteObject on <${vaultBucketId}.Arn>/*`], roleId);
  }
});

test('the API deletes only snapshots from the vault bucket', () => {
  // Act
  const api = otherDeletes().filter(([id]) => id.startsWith('ApiFunction'));

  // Assess
  assert.ok(api.length > 0);
  // DELETE /backup/backups/{id} forgets one backup: its snapshot object, nothing else.
  for (const [id, deletes] of api) assert.deepEqual(deletes, [`s3:DeleteObject on <${vaultBucketId}.Arn>/*/snapshots/*`], id);
});

test('only cleanup-scratch deletes scratch objects (in their own bucket), from a role of its own', () => {
  // Prepare
  const cleanupScratchRole = fnOf(stack.verifyFunctions.functions.cleanupScratch).roleId;

  // Act
  const scratchDeleters = otherDeletes().filter(([, deletes]) => deletes.some((p) => p.includes(scratchBucketId)));

  // Assess
  // Scratch targets of test restores live in the scratch bucket: the role may delete their objects and versions, nothing of the vault bucket.
  assert.deepEqual(scratchDeleters, [[cleanupScratchRole, [`s3:DeleteObject on <${scratchBucketId}.Arn>/haven-verify-*`, `s3:DeleteObjectVersion on <${scratchBucketId}.Arn>/haven-verify-*`]]], 'cleanup-scratch has a role of its own');
});

test('the copy step deletes only snapshots from the vault bucket (the one it wrote, when the copy fails its check)', () => {
  // Prepare
  const copyRole = fnOf(stack.copyFunctions.functions.copyToVault).roleId;

  // Act
  const deletes = otherDeletes().filter(([id]) => id === copyRole);

  // Assess
  assert.deepEqual(deletes, [[copyRole, [`s3:DeleteObject on <${vaultBucketId}.Arn>/*/snapshots/*`]]]);
});

test('every other role deletes from the vault bucket under staging/ only', () => {
  // Prepare
  const cleanupScratchRole = fnOf(stack.verifyFunctions.functions.cleanupScratch).roleId;
  const copyRole = fnOf(stack.copyFunctions.functions.copyToVault).roleId;
  const staging = `s3:DeleteObject on <${vaultBucketId}.Arn>/*/staging/*`;

  // Act
  const others = otherDeletes().filter(([id]) => !id.startsWith('ApiFunction') && id !== cleanupScratchRole && id !== copyRole);

  // Assess
  for (const [id, deletes] of others) {
    for (const permission of deletes) assert.equal(permission, staging, `${id}: ${permission}`);
  }
});

test('List jobs touches neither the vault bucket nor the vault key', () => {
  // Act
  const permissions = permissionsOf(template, fn('listJobs').roleId);

  // Assess
  assert.ok(permissions.every((p) => !p.includes(vaultBucketId) && !p.includes(vaultKeyId)));
});

test('the state machine substitutes each placeholder', () => {
  // Act
  const substitutions = machine.DefinitionSubstitutions;

  // Assess
  assert.deepEqual(Object.keys(substitutions).sort(), STEPS.map((step) => PRUNE_STEP_SPECS[step].substitution).sort());
  for (const step of STEPS) {
    assert.deepEqual(substitutions[PRUNE_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [fn(step).id, 'Arn'] }, step);
  }
});

test('the state machine may invoke exactly its functions', () => {
  // Act
  const permissions = permissionsOf(template, machine.RoleArn['Fn::GetAtt'][0]);

  // Assess
  assert.deepEqual(permissions.filter((p) => p.startsWith('lambda:')), pairs(['lambda:InvokeFunction'], STEPS.map((step) => `<${fn(step).id}.Arn>`)).sort());
});

test('the stack outputs the prune state machine ARN', () => {
  // Act
  const outputs = template.findOutputs('PruneStateMachineArn');

  // Assess
  assert.equal(Object.keys(outputs).length, 1);
  template.hasOutput('PruneStateMachineArn', { Value: { Ref: machineId } });
});

/** The stack with Object Lock on: synthesized once, only read by the tests below. */
const locked = synthHaven({ context: { [HavenContextKey.ObjectLockMode]: 'COMPLIANCE', [HavenContextKey.ObjectLockDays]: '30' } });
const lockedFixture = workflowFixture(locked);

test('with Object Lock: the mode reaches the prune functions', () => {
  for (const step of STEPS) {
    // Act
    const { props } = lockedFixture.fnOf(locked.stack.pruneFunctions.functions[step]);

    // Assess
    assert.equal(props.Environment.Variables[HavenEnv.ObjectLockMode], 'COMPLIANCE', step);
  }
});

test('with Object Lock: prune roles may read and extend retention dates (beside their notification grants)', () => {
  for (const step of STEPS) {
    // Prepare
    const { roleId, logGroupId } = lockedFixture.fnOf(locked.stack.pruneFunctions.functions[step]);
    const expected = [...lockedFixture.logsOf(logGroupId), ...(EXPECTED[step].catalog === 'none' ? [] : lockedFixture.catalog(EXPECTED[step].catalog)), ...(EXPECTED[step].vault === 'prune' ? lockedFixture.vaultPrune(true) : vaultOf(EXPECTED[step].vault)), ...(EXPECTED[step].events ? [...EVENTS, ...lockedFixture.NOTIFY] : [])].sort();

    // Act
    const permissions = permissionsOf(locked.template, roleId);

    // Assess
    assert.deepEqual(permissions, expected, step);
  }
});

test('with Object Lock: no backup or restore role touches retention dates, and nobody may bypass governance', () => {
  // Act
  const retention = [...Object.values(locked.stack.backupFunctions.functions), ...Object.values(locked.stack.restoreFunctions.functions)].map(
    (haven) => [haven.node.path, permissionsOf(locked.template, lockedFixture.fnOf(haven).roleId).filter((p) => /ObjectRetention|BypassGovernance/.test(p))] as const,
  );

  // Assess
  for (const [path, permissions] of retention) assert.deepEqual(permissions, [], path);
  assert.ok(!flat(locked.template.toJSON()).includes('s3:BypassGovernanceRetention'));
});

test('with Object Lock: nag-clean', () => {
  // Act
  const report = locked.nag.validateScope(locked.stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => v.ruleName), []);
});
