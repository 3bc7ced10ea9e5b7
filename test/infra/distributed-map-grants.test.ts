/**
 * What a workflow's role gets for its Distributed Maps (infra/constructs/workflow-state-machine.ts):
 * children are executions of the state machine (StartExecution on it,
 * Describe/StopExecution on its map runs' executions), and an item reader
 * reads the vault's staging area only, decrypting through S3 for the vault
 * bucket only. A workflow without a Distributed Map gets none of it.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { WorkflowStateMachine } from '../../infra/constructs/workflow-state-machine.js';
import { distributedMapUse } from '../../infra/constructs/workflow-state-machine.js';
import { BACKUP_DEFINITION_FILE, PRUNE_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';
import { logicalId, permissionsOf, via } from './support/template.js';

const { stack, template } = synthHaven();
const bucketId = logicalId(stack, stack.vault.bucket);
const keyId = logicalId(stack, stack.vaultKey.key);

/** The role's Step Functions, S3 and KMS permissions (Lambda, logs and X-Ray are workflow.test.ts's). */
function mapPermissions(workflow: WorkflowStateMachine<string>): string[] {
  return permissionsOf(template, logicalId(stack, workflow.stateMachine.role)).filter((p) => /^(states|s3|kms):/.test(p));
}

/** What a workflow whose Distributed Map reads an item list must get, exactly. */
function expected(workflow: WorkflowStateMachine<string>): string[] {
  const name = `<${logicalId(stack, workflow.stateMachine)}.Name>`;
  return [
    `kms:Decrypt on <${keyId}.Arn>${via('s3')} and StringEquals kms:EncryptionContext:aws:s3:arn=<${bucketId}.Arn>`,
    `s3:GetObject on <${bucketId}.Arn>/*/staging/*`,
    `states:DescribeExecution on arn:aws:states:us-east-1:123456789012:execution:${name}/*`,
    `states:StartExecution on arn:aws:states:us-east-1:123456789012:stateMachine:${name}`,
    `states:StopExecution on arn:aws:states:us-east-1:123456789012:execution:${name}/*`,
  ].sort();
}

const workflows = [
  { name: 'backup', file: BACKUP_DEFINITION_FILE, workflow: stack.backupWorkflow },
  { name: 'restore', file: RESTORE_DEFINITION_FILE, workflow: stack.restoreWorkflow },
  { name: 'verify', file: VERIFY_DEFINITION_FILE, workflow: stack.verifyWorkflow },
  { name: 'prune', file: PRUNE_DEFINITION_FILE, workflow: stack.pruneWorkflow },
] as const;

test('backup and restore fan out through Distributed Maps that read item lists', () => {
  // Prepare
  const definitions = [BACKUP_DEFINITION_FILE, RESTORE_DEFINITION_FILE].map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown);

  // Act
  const uses = definitions.map(distributedMapUse);

  // Assess
  assert.deepEqual(uses, [
    { distributed: true, itemReader: true },
    { distributed: true, itemReader: true },
  ]);
});

for (const { name, file, workflow } of workflows) {
  test(`${name}: its role gets exactly what its Distributed Maps need, or nothing without one`, () => {
    // Prepare
    const use = distributedMapUse(JSON.parse(readFileSync(file, 'utf8')));

    // Act
    const granted = mapPermissions(workflow as WorkflowStateMachine<string>);

    // Assess
    assert.deepEqual(granted, use.distributed && use.itemReader ? expected(workflow as WorkflowStateMachine<string>) : []);
  });
}

test('the Map grants name the state machine through its own policy, so the state machine does not depend on them', () => {
  // Prepare
  const machineId = logicalId(stack, stack.backupWorkflow.stateMachine);

  // Act
  const dependsOn = (template.toJSON().Resources as Record<string, { DependsOn?: string[] }>)[machineId]?.DependsOn ?? [];

  // Assess
  const policyId = logicalId(stack, stack.backupWorkflow.node.findChild('DistributedMapPolicy'));
  assert.ok(!dependsOn.includes(policyId), `${machineId} must not wait for ${policyId}, which names it`);
});
