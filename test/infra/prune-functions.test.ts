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
const { resources, vaultBucketId, vaultKeyId, NOTIFY, catalog, vaultPrune, logsOf, fnOf } = workflowFixture(synth);

/** What each step needs, written out independently of PRUNE_STEP_SPECS. */
const EXPECTED: Record<PruneStep, { memory: number; timeout: number; catalog: 'read' | 'readWrite'; prune: boolean; events: boolean; rerunnable: boolean }> = {
  // Opens the run's record, lists jobs.
  listJobs: { memory: 256, timeout: 300, catalog: 'readWrite', prune: false, events: false, rerunnable: true },
  // Annotates forgotten and kept backups.
  applyRetention: { memory: 512, timeout: 900, catalog: 'readWrite', prune: true, events: true, rerunnable: false },
  // Reads executions (staging owners, retention dates), completes the run's record.
  prune: { memory: 3008, timeout: 900, catalog: 'readWrite', prune: true, events: true, rerunnable: false },
  // Fails the run's record (creating it if List jobs never did), publishes Prune Failed.
  markFailed: { memory: 256, timeout: 60, catalog: 'readWrite', prune: false, events: true, rerunnable: true },
};
const STEPS = Object.keys(EXPECTED) as PruneStep[];
const fn = (step: PruneStep) => fnOf(stack.pruneFunctions.functions[step]);
const machineId = logicalId(stack, stack.pruneWorkflow.stateMachine);
const machine = resources[machineId]?.Properties as unknown as StateMachineProps;

test('four prune functions with their own roles; one entry, each calling the export named as its step', () => {
  assert.equal(resources[machineId]?.Type, 'AWS::StepFunctions::StateMachine');
  assert.equal(new Set(STEPS.map((step) => fn(step).roleId)).size, STEPS.length);
  assert.equal(PRUNE_ENTRY, functionEntry('prune', 'handlers'));
  for (const step of STEPS) {
    const { props } = fn(step);
    assert.equal(PRUNE_STEP_SPECS[step].entry, PRUNE_ENTRY, step);
    assert.equal(props.Handler, `index.${step}`, step);
    assert.equal(props.Runtime, 'nodejs22.x', step);
    assert.equal(props.MemorySize, EXPECTED[step].memory, step);
    assert.equal(props.Timeout, EXPECTED[step].timeout, step);
    assert.equal(props.Environment.Variables[HavenEnv.ObjectLockMode], undefined, step);
  }
});

test('only the steps a second attempt may run beside (List jobs opens the run record idempotently, Mark failed transitions it conditionally) are rerunnable', () => {
  // Prepare
  const expected = STEPS.filter((step) => EXPECTED[step].rerunnable);

  // Act
  const declared = STEPS.filter((step) => PRUNE_STEP_SPECS[step].rerunnable !== undefined);

  // Assess
  assert.deepEqual(declared, expected);
});

test('each role has exactly: its log group, the catalog, the prune vault grant where needed, PutEvents and publish on the notification topic where needed', () => {
  for (const step of STEPS) {
    const { roleId, logGroupId } = fn(step);
    const expected = [...logsOf(logGroupId), ...catalog(EXPECTED[step].catalog), ...(EXPECTED[step].prune ? vaultPrune(false) : []), ...(EXPECTED[step].events ? [...EVENTS, ...NOTIFY] : [])].sort();
    assert.deepEqual(permissionsOf(template, roleId), expected, step);
  }
});

test('only the prune roles may delete vault objects outside staging/; the API deletes only snapshots; nothing else deletes from the vault bucket, and only cleanup-scratch deletes scratch objects (in their own bucket)', () => {
  const pruneRoles = new Set([fn('applyRetention').roleId, fn('prune').roleId]);
  const cleanupScratchRole = fnOf(stack.verifyFunctions.functions.cleanupScratch).roleId;
  const staging = `s3:DeleteObject on <${vaultBucketId}.Arn>/vault/staging/*`;
  const scratchBucketId = logicalId(stack, stack.verifyFunctions.scratchBucket);
  const scratch = [`s3:DeleteObject on <${scratchBucketId}.Arn>/haven-verify-*`, `s3:DeleteObjectVersion on <${scratchBucketId}.Arn>/haven-verify-*`];
  let scratchDeleters = 0;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role' || pruneRoles.has(id)) continue;
    const deletes = permissionsOf(template, id).filter((p) => p.startsWith('s3:DeleteObject') && (p.includes(vaultBucketId) || p.includes(scratchBucketId)));
    if (id.startsWith('ApiFunction')) {
      // DELETE /backup/backups/{id} forgets one backup: its snapshot object, nothing else.
      assert.deepEqual(deletes, [`s3:DeleteObject on <${vaultBucketId}.Arn>/vault/snapshots/*`], id);
      continue;
    }
    if (id === cleanupScratchRole) {
      // Scratch targets of test restores live in the scratch bucket: the role may delete their objects and versions, nothing of the vault bucket.
      assert.deepEqual(deletes, scratch, id);
      scratchDeleters += 1;
      continue;
    }
    for (const permission of deletes) assert.equal(permission, staging, `${id}: ${permission}`);
  }
  assert.equal(scratchDeleters, 1, 'cleanup-scratch has a role of its own');
  for (const roleId of pruneRoles) {
    assert.deepEqual(permissionsOf(template, roleId).filter((p) => p.startsWith('s3:DeleteObject')), [`s3:DeleteObject on <${vaultBucketId}.Arn>/vault/*`], roleId);
  }
  assert.ok(permissionsOf(template, fn('listJobs').roleId).every((p) => !p.includes(vaultBucketId) && !p.includes(vaultKeyId)));
});

test('the state machine substitutes each placeholder and may invoke exactly its functions', () => {
  assert.deepEqual(Object.keys(machine.DefinitionSubstitutions).sort(), STEPS.map((step) => PRUNE_STEP_SPECS[step].substitution).sort());
  for (const step of STEPS) {
    assert.deepEqual(machine.DefinitionSubstitutions[PRUNE_STEP_SPECS[step].substitution], { 'Fn::GetAtt': [fn(step).id, 'Arn'] }, step);
  }
  const permissions = permissionsOf(template, machine.RoleArn['Fn::GetAtt'][0]);
  assert.deepEqual(permissions.filter((p) => p.startsWith('lambda:')), pairs(['lambda:InvokeFunction'], STEPS.map((step) => `<${fn(step).id}.Arn>`)).sort());
  template.hasOutput('PruneStateMachineArn', { Value: { Ref: machineId } });
});

test('with Object Lock: the mode reaches the functions, only prune roles may read and extend retention dates (beside their notification grants); nag-clean', () => {
  const locked = synthHaven({ context: { [HavenContextKey.ObjectLockMode]: 'COMPLIANCE', [HavenContextKey.ObjectLockDays]: '30' } });
  const fixture = workflowFixture(locked);
  for (const step of STEPS) {
    const { props, roleId, logGroupId } = fixture.fnOf(locked.stack.pruneFunctions.functions[step]);
    assert.equal(props.Environment.Variables[HavenEnv.ObjectLockMode], 'COMPLIANCE', step);
    const expected = [...fixture.logsOf(logGroupId), ...fixture.catalog(EXPECTED[step].catalog), ...(EXPECTED[step].prune ? fixture.vaultPrune(true) : []), ...(EXPECTED[step].events ? [...EVENTS, ...fixture.NOTIFY] : [])].sort();
    assert.deepEqual(permissionsOf(locked.template, roleId), expected, step);
  }
  for (const haven of [...Object.values(locked.stack.backupFunctions.functions), ...Object.values(locked.stack.restoreFunctions.functions)]) {
    assert.ok(!permissionsOf(locked.template, fixture.fnOf(haven).roleId).some((p) => /ObjectRetention|BypassGovernance/.test(p)), haven.node.path);
  }
  assert.ok(!flat(locked.template.toJSON()).includes('s3:BypassGovernanceRetention'));
  assert.deepEqual(locked.nag.validateScope(locked.stack).violations.map((v) => v.ruleName), []);
});
