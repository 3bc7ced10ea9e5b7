/**
 * Failures inside the verify workflow's Distributed Maps, deployed on the
 * local cloud. AWS does not hand a failed child's error to the parent Map
 * (the Map fails with `States.ExceedToleratedFailureThreshold`), so a child
 * whose Task failed records its error code on the verification itself
 * (its Record … failure state calls Mark failed with `from_item`) before
 * failing; the parent's Mark failed keeps that code and clears staging.
 * The faults are injected around the function host with the local cloud's
 * `setFaults` (the function answers with the error a step would throw). A
 * retried child skips what it staged already: that test runs the steps
 * in-process against the deployed vault and catalog (`cloud.deps`).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createVerification } from '../../control/verification/create.js';
import { VerificationLevel } from '../../control/verification/levels.js';
import { checkPackBatches } from '../../control/workflows/verify/check-batch.js';
import { planVerification } from '../../control/workflows/verify/plan.js';
import { findBatchResult } from '../../control/workflows/verify/staged.js';
import { scratchName } from '../../control/verification/scratch.js';
import { StorageUnavailableError } from '../../vault/storage/errors.js';
import { listStaged } from '../../vault/staging/staging.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { uniqueName } from '../helpers/names.js';
import { stepFault } from '../helpers/step-fault.js';
import { Damage, damagePack } from '../helpers/vault-damage.js';
import { entered } from './execution-history.js';
import { backUp, packsOf, runVerification, tableExists } from './verify-support.js';

describe('verify workflow: a failed Distributed Map child', () => {
  let cloud: LocalCloud;
  const table = uniqueName('verify-fail');
  let backupId = '';

  /** Runs a verification whose invocations of the function at `path` all fail with a transient vault error. */
  async function verifyFailing(path: string, level: VerificationLevel) {
    cloud.setFaults(({ fn }) => (fn.path.endsWith(path) ? stepFault(new StorageUnavailableError(`injected: ${path} cannot reach the vault`)) : undefined));
    try {
      return await runVerification(cloud, { backup_id: backupId, level });
    } finally {
      cloud.setFaults(undefined);
    }
  }

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table] });
    await seedTable(table, 120);
    backupId = await backUp(cloud, { type: 'dynamodb', table_name: table, segments: 3 });
  });
  afterAll(() => cloud.close());

  describe('a Check packs child whose retries ran out', () => {
    /** One failed run (checksum level: every pack batch goes to Check packs), assessed by both tests. */
    let failed: Awaited<ReturnType<typeof verifyFailing>>;
    beforeAll(async () => {
      failed = await verifyFailing('Verify/CheckPacks', VerificationLevel.Checksum);
    });

    test('records its own error code on the verification; the run fails with it', () => {
      // Assess
      const { execution, record } = failed;
      assert.equal(execution.status, 'FAILED');
      assert.equal(execution.error, 'VerificationRunFailed');
      assert.equal(record.status, 'failed');
      assert.equal(record.error?.code, 'StorageUnavailable', record.error?.message);
      assert.match(record.error?.message ?? '', /injected: Verify\/CheckPacks/);
    });

    test("then one Verification Failed event carries the child's code and the run's staging area is cleared", async () => {
      // Assess
      const { record } = failed;
      const events = cloud.events.filter((e) => e.detailType === 'Verification Failed' && (e.detail.verification_ids as string[]).includes(record.verification_id));
      assert.deepEqual(events.map((e) => e.detail.error_code), ['StorageUnavailable']);
      assert.deepEqual(await listStaged(await cloud.deps.vault(), record.verification_id), []);
    });
  });

  test('a Restore into scratch child whose retries ran out fails the run with its code, after the scratch table is removed', async () => {
    // Act
    const { execution, record } = await verifyFailing('Verify/RestorePartition', VerificationLevel.TestRestore);

    // Assess
    assert.equal(execution.error, 'VerificationRunFailed');
    assert.equal(record.error?.code, 'StorageUnavailable', record.error?.message);
    assert.ok(entered(execution.history, 'Clean up scratch'), 'cleanup ran');
    assert.equal(await tableExists(scratchName(record.verification_id)), false, 'scratch table removed');
    assert.deepEqual(cloud.denials, []);
  });

  test('a retried Check packs child skips a batch whose result is staged: damage after the first attempt is not read again', async () => {
    // Prepare
    const { verification_id } = await createVerification(cloud.catalog, { backup_id: backupId, level: VerificationLevel.Checksum, requested_by: 'test' });
    const plan = await planVerification(cloud.deps, { input: { verification_id }, execution: `retry-${verification_id}` });
    const child = { Items: [0], BatchInput: { context: plan.context } };
    await checkPackBatches(cloud.deps, child);
    const undo = await damagePack(cloud.bucket, [...(await packsOf(cloud, backupId))].sort()[0]!, Damage.FlipByte);

    // Act
    const retried = await checkPackBatches(cloud.deps, child).finally(undo);

    // Assess
    assert.deepEqual(retried, { items: 1, skipped: 1 });
    assert.deepEqual((await findBatchResult(await cloud.deps.vault(), verification_id, 0))?.problems, []);
  });
});
