/**
 * The verify workflow at every level, deployed on the local cloud:
 * a clean vault passes; a flipped byte, a truncated pack and a missing pack
 * are each found and named with exactly the backups that depend on them;
 * a test restore cleans up its scratch table even when the restore fails.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { NotFoundError } from '../../control/catalog/errors.js';
import { ErrorCode } from '../../vault/errors.js';
import { createVerification } from '../../control/verification/create.js';
import { BackupNotVerifiableError, InvalidVerificationError } from '../../control/verification/errors.js';
import { VerificationLevel } from '../../control/verification/levels.js';
import { scratchName } from '../../control/verification/scratch.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { StepFunctionsLimits } from '../../local/cloud/workflows.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { Damage, damagePack } from '../helpers/vault-damage.js';
import { entered } from './execution-history.js';
import { packsOf, runVerification, tableExists } from './verify-support.js';

const LEVELS = [
  { level: VerificationLevel.Quick },
  { level: VerificationLevel.Sample, sample_percent: 100 },
  { level: VerificationLevel.Checksum },
  { level: VerificationLevel.TestRestore },
] as const;

describe('verify workflow: levels, damage and dependent backups', () => {
  let cloud: LocalCloud;
  const table = uniqueName('verify');
  let backupA = '';
  let backupB = '';
  let shared = '';
  let onlyA = '';

  const verify = (backupId: string, options: (typeof LEVELS)[number]) => runVerification(cloud, { backup_id: backupId, ...options });

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table] });
    await seedTable(table, 300);
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 4 }));
    const first = await cloud.workflows.run('backup', { job_id: job.job_id });
    assert.equal(first.status, 'SUCCEEDED', `${first.error}: ${first.cause}`);
    backupA = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!.backup_id;
    await writeItems(table, [7], (i) => demoItem(i, 2));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    backupB = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!.backup_id;
    assert.notEqual(backupA, backupB);
    const [a, b] = [await packsOf(cloud, backupA), await packsOf(cloud, backupB)];
    shared = [...a].find((p) => b.has(p)) ?? '';
    onlyA = [...a].find((p) => !b.has(p)) ?? '';
    assert.ok(shared && onlyA, `the backups share some packs and not others (A ${a.size}, B ${b.size})`);
  });

  afterAll(async () => {
    try {
      assert.ok(cloud.host.invocations.length > 0);
      for (const invocation of cloud.host.invocations) {
        const largest = Math.max(invocation.requestBytes, invocation.responseBytes);
        assert.ok(largest < StepFunctionsLimits.payloadBytes, `${invocation.path}: a ${largest}-byte payload, within 256 KiB`);
      }
    } finally {
      await cloud.close();
    }
  });

  test('requests: unknown backup → NotFound, unfinished backup → Conflict, bad level or sample → InvalidInput', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    const queued = await cloud.catalog.createExecution({ job_id: job.job_id, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });

    // Act
    const unknown = createVerification(cloud.catalog, { backup_id: 'backup_01jzzzzzzzzzzzzzzzzzzzzzzz', level: 'quick' });

    // Assess
    await assert.rejects(unknown, (e: unknown) => e instanceof NotFoundError && e.code === ErrorCode.NotFound);

    // Act
    const unfinished = createVerification(cloud.catalog, { backup_id: queued.backup_id, level: 'quick' });

    // Assess
    await assert.rejects(unfinished, (e: unknown) => e instanceof BackupNotVerifiableError && e.code === ErrorCode.Conflict);
    for (const bad of [
      { level: 'deep' },
      { level: 'sample' },
      { level: 'sample', sample_percent: 0 },
      { level: 'sample', sample_percent: 101 },
      { level: 'sample', sample_percent: 10, sample_bytes: 1000 },
      { level: 'sample', sample_bytes: 1.5 },
      { level: 'quick', sample_percent: 10 },
    ]) {
      // Act
      const invalid = createVerification(cloud.catalog, { backup_id: backupA, ...bad });

      // Assess
      await assert.rejects(invalid, (e: unknown) => e instanceof InvalidVerificationError && e.code === ErrorCode.InvalidInput, JSON.stringify(bad));
    }

    // Act
    const record = await createVerification(cloud.catalog, { backup_id: backupA, level: 'sample', sample_percent: 25, requested_by: 'admin_1' });

    // Assess
    assert.equal(record.status, 'queued');
    assert.equal(record.verification_type, 'sample');
    assert.equal(record.sample_percent, 25);
    assert.equal(record.requested_by, 'admin_1');
  });

  test('a clean vault passes at every level; the backup is marked verified; the scratch table is gone', async () => {
    for (const options of LEVELS) {
      // Act
      const { execution, record } = await verify(backupA, options);

      // Assess
      assert.equal(execution.status, 'SUCCEEDED', `${options.level}: ${execution.error}: ${execution.cause}`);
      assert.equal(record.status, 'completed', options.level);
      assert.deepEqual(record.result?.issues, [], options.level);
      assert.equal(record.result?.packs_checked, record.result?.packs_total, options.level);
      assert.ok((record.result?.packs_total ?? 0) >= 2, options.level);
      const backup = await cloud.catalog.getBackup(backupA);
      assert.equal(backup.verification?.status, 'passed', options.level);
      assert.equal(backup.verification?.verification_id, record.verification_id);
      assert.ok(cloud.events.some((e) => e.detailType === 'Verification Succeeded' && (e.detail.verification_ids as string[]).includes(record.verification_id)));
      if (options.level === VerificationLevel.TestRestore) {
        assert.equal(record.result?.test_restore_verified, true);
        assert.equal(record.result?.test_restore_result?.records_counted, 300);
        assert.equal(await tableExists(scratchName(record.verification_id)), false, 'scratch table removed');
      }
    }

    // Assess
    assert.deepEqual(cloud.denials, []);
  });

  for (const damage of Object.values(Damage)) {
    test(`${damage} shared pack: every level names it and both backups, marks both, and notifies`, async () => {
      // Prepare
      const undo = await damagePack(cloud.bucket, shared, damage);
      try {
        for (const options of LEVELS) {
          // Act
          const { execution, record } = await verify(backupA, options);

          // Assess
          assert.equal(execution.status, 'FAILED', options.level);
          assert.equal(execution.error, 'VerificationFailed', options.level);
          assert.equal(record.status, 'failed', options.level);
          assert.equal(record.error?.code, 'CorruptedBackup');
          assert.deepEqual(record.result?.damaged_packs, [shared], options.level);
          assert.deepEqual(record.result?.damaged_backups, [backupA, backupB].sort(), options.level);
          for (const id of [backupA, backupB]) {
            const backup = await cloud.catalog.getBackup(id);
            assert.equal(backup.verification?.status, 'failed', `${options.level} ${id}`);
            assert.equal(backup.verification?.damaged, true);
            assert.deepEqual(backup.verification?.damaged_packs, [shared]);
          }
          const event = cloud.events.findLast((e) => e.detailType === 'Verification Failed')!;
          assert.deepEqual(event.detail.verification_ids, [record.verification_id]);
          assert.deepEqual(event.detail.damaged_packs, [shared]);
          assert.deepEqual(event.detail.damaged_backups, [backupA, backupB].sort());
          if (options.level === VerificationLevel.TestRestore) {
            assert.ok(entered(execution.history, 'Prepare scratch'), 'the scratch table was created');
            assert.match(record.result?.issues.join('\n') ?? '', /test restore/);
            assert.equal(await tableExists(scratchName(record.verification_id)), false, 'scratch table removed although the restore failed');
          }
        }
      } finally {
        await undo();
      }
    });
  }

  test('damage to a pack only one backup uses names only that backup; a later full check clears the other', async () => {
    // Prepare
    const undo = await damagePack(cloud.bucket, onlyA, Damage.FlipByte);
    try {
      for (const options of LEVELS) {
        // Act
        const { record } = await verify(backupB, options);

        // Assess
        assert.equal(record.status, 'completed', `${options.level}: B does not use the damaged pack`);

        // Act
        const onA = await verify(backupA, options);

        // Assess
        assert.equal(onA.record.status, 'failed', options.level);
        assert.deepEqual(onA.record.result?.damaged_packs, [onlyA], options.level);
        assert.deepEqual(onA.record.result?.damaged_backups, [backupA], options.level);
      }

      // Assess
      assert.equal((await cloud.catalog.getBackup(backupB)).verification?.damaged, false, 'checksum on B cleared its earlier mark');
    } finally {
      await undo();
    }
  });
});
