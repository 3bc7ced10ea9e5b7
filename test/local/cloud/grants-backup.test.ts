/**
 * The backup workflow under the template's IAM policies: it succeeds with the
 * synthesized grants, and fails with AccessDenied, recorded in the catalog,
 * when one grant is taken out of the template.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import type { ObservedCall } from '../../../local/iam/types.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { newJob } from '../../helpers/jobs.js';
import { uniqueName } from '../../helpers/names.js';
import { functionRole, removeAction } from '../../helpers/template-edit.js';

describe('backup under the synthesized policies', () => {
  const table = uniqueName('grants');
  const calls: ObservedCall[] = [];
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table], onCall: (call) => calls.push(call) });
    await seedTable(table, 50);
  });
  afterAll(() => cloud.close());

  test('a DynamoDB backup succeeds, every Task invoked as the state machine role, nothing denied', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 2 }));
    const firstInvocation = cloud.host.invocations.length;

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    assert.deepEqual(cloud.denials, []);
    const entered = execution.history.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    assert.deepEqual(entered.filter((name) => name !== 'Export partition'), ['Plan', 'Commit snapshot', 'Plan verify', 'Record verification', 'Finalize'], 'Mark failed never runs');
    // The export runs in the Distributed Map's child executions, whose events are not in the parent's history.
    const exports = cloud.host.invocations.slice(firstInvocation).filter((i) => i.path.endsWith('Backup/ExportPartition'));
    assert.ok(exports.length >= 1, 'the Map ran its export children');
    assert.deepEqual(exports.filter((i) => i.errorType !== undefined), [], 'every export child succeeded');
    const invokes = calls.filter((c) => c.service === 'lambda' && c.operation === 'Invoke');
    assert.ok(invokes.length >= 5, `${invokes.length} Lambda invocations went through the proxy`);
    assert.ok(invokes.every((c) => /BackupWorkflow/.test(c.principal ?? '')), 'the backup state machine role made every invocation');
    const keyUse = calls.filter((c) => /ExportPartition/.test(c.principal ?? '') && c.decision.checks.some((check) => check.request.action === 'kms:GenerateDataKey'));
    assert.ok(keyUse.length > 0, 'export-partition uses the vault key as its own role (SSE-KMS writes into the vault bucket)');
  });
});

describe('backup without kms:GenerateDataKey on the vault key for export-partition', () => {
  const table = uniqueName('nokey');
  let cloud: LocalCloud;
  let removed = 0;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [table],
      editTemplate: (template) => {
        const role = functionRole(template, 'Backup/ExportPartition');
        removed = removeAction(template, role, 'kms:GenerateDataKey', (r) => JSON.stringify(r).includes('VaultKey'));
      },
    });
    await seedTable(table, 20);
  });
  afterAll(() => cloud.close());

  test('fails with AccessDenied on kms:GenerateDataKey, recorded on the backup', async () => {
    // Prepare
    assert.ok(removed > 0, 'the template granted kms:GenerateDataKey on the vault key');
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'FAILED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.match(`${record.error?.code} ${record.error?.message}`, /AccessDenied|not authorized/i);
    assert.ok(cloud.denials.some((d) => d.decision.denied?.request.action === 'kms:GenerateDataKey'), 'the proxy denied kms:GenerateDataKey');
  });
});

describe('the opt-out: the same missing grant with IAM enforcement off', () => {
  const table = uniqueName('optout');
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [table],
      enforceIam: false,
      editTemplate: (template) => {
        removeAction(template, functionRole(template, 'Backup/ExportPartition'), 'kms:GenerateDataKey', (r) => JSON.stringify(r).includes('VaultKey'));
      },
    });
    await seedTable(table, 20);
  });
  afterAll(() => cloud.close());

  test('the backup goes through, and the denial it would have met is still reported', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const unenforced = cloud.denials.filter((d) => d.decision.denied?.request.action === 'kms:GenerateDataKey');
    assert.ok(unenforced.length > 0 && unenforced.every((d) => !d.enforced));
  });
});
