/**
 * Lambda's and Step Functions' limits on the local cloud: a function past its
 * configured timeout, a state over 256 KiB, a response over 6 MB and a
 * function error each end the backup as they would in AWS. The faults are
 * injected through the function host (the emulator cannot make a function
 * slow or its result large by itself); the limits are the host's and moto's.
 * The timeout and the large response hit Commit, a Task of the workflow
 * itself: a Distributed Map child's Lambda events stay in the child's
 * history, not the parent's (as in AWS). The function error hits an export
 * batch, whose Record failure state records it.
 */
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import type { Fault } from '../../../local/functions/host.js';
import { LambdaErrorType, LambdaLimits } from '../../../local/functions/limits.js';
import { StepFunctionsLimits } from '../../../local/cloud/workflows.js';
import { HAVEN_ENTRY_METADATA } from '../../../infra/constructs/haven-function.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { newJob } from '../../helpers/jobs.js';
import { uniqueName } from '../../helpers/names.js';

/** The commit function's timeout in this test's template. */
const SHORT_TIMEOUT_SECONDS = 2;
/** A Task state of the backup workflow itself (not inside its Distributed Map). */
const COMMIT = 'Backup/Commit';

describe('limits', () => {
  const table = uniqueName('limits');
  let cloud: LocalCloud;
  /**
   * The fault each test injects, by the id of its own job: an invocation gets
   * the fault of the job its event names, so no test's fault reaches another's
   * backup (job ids are unique); each test removes its entry when it ends.
   */
  const faultsByJob = new Map<string, { path: string; fault: Fault }>();

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [table],
      faults: ({ fn, event }) => {
        const named = JSON.stringify(event ?? null);
        for (const [jobId, injected] of faultsByJob) if (named.includes(jobId) && fn.path.endsWith(injected.path)) return injected.fault;
        return undefined;
      },
      editTemplate: (template) => {
        for (const r of Object.values(template.Resources)) {
          const entry = r.Metadata?.[HAVEN_ENTRY_METADATA] as { path?: string } | undefined;
          if (entry?.path?.endsWith(COMMIT)) r.Properties!.Timeout = SHORT_TIMEOUT_SECONDS;
        }
      },
    });
    await seedTable(table, 10);
  });
  afterAll(() => cloud.close());

  /** A new job on the test table whose backups meet `injected`, until the test ends. */
  async function jobFaulted(t: Pick<TestContext, 'onTestFinished'>, injected: { path: string; fault: Fault }): Promise<string> {
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    faultsByJob.set(job.job_id, injected);
    t.onTestFinished(() => void faultsByJob.delete(job.job_id));
    return job.job_id;
  }

  /** Runs a backup of the job, and reads its record and the job after it. */
  async function backupOf(jobId: string) {
    const execution = await cloud.workflows.run('backup', { job_id: jobId });
    const record = (await cloud.catalog.listExecutions({ job_id: jobId })).items[0];
    return { execution, record, job: await cloud.catalog.getJob(jobId) };
  }

  test('a function past its configured timeout fails with Sandbox.Timedout; the backup is recorded failed and its lease released', async (t) => {
    // Prepare
    const jobId = await jobFaulted(t, { path: COMMIT, fault: { delayMs: (SHORT_TIMEOUT_SECONDS + 2) * 1000 } });

    // Act
    const { execution, record, job } = await backupOf(jobId);

    // Assess
    assert.equal(execution.status, 'FAILED');
    const failed = execution.history.find((e) => e.type === 'LambdaFunctionFailed' && e.lambdaFunctionFailedEventDetails?.error === LambdaErrorType.Timeout);
    assert.ok(failed, 'Step Functions saw the Lambda timeout');
    assert.match(failed.lambdaFunctionFailedEventDetails?.cause ?? '', /timed out after 2\.00 seconds/);
    assert.equal(record?.status, 'failed');
    assert.equal(job.lease_owner, undefined);
  });

  test('a function error in a Map batch is caught, recorded with its message, and the lease released', async (t) => {
    // Prepare
    const jobId = await jobFaulted(t, { path: 'Backup/ExportPartition', fault: { error: { errorType: 'SourceReadError', errorMessage: 'injected: the table went away' } } });

    // Act
    const { execution, record, job } = await backupOf(jobId);

    // Assess
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'BackupFailed');
    const entered = execution.history.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    assert.ok(entered.includes('Mark failed') && !entered.includes('Commit snapshot') && !entered.includes('Finalize'), entered.join(', '));
    assert.equal(record?.status, 'failed');
    assert.match(record?.error?.message ?? '', /the table went away/);
    assert.equal(job.lease_owner, undefined);
  });

  test('a response over 6 MB fails the invocation with Function.ResponseSizeTooLarge, caught and recorded', async (t) => {
    // Prepare
    const jobId = await jobFaulted(t, { path: COMMIT, fault: { result: { blob: 'x'.repeat(LambdaLimits.responseBytes + 1) } } });

    // Act
    const { execution, record } = await backupOf(jobId);

    // Assess
    assert.equal(execution.status, 'FAILED');
    assert.ok(execution.history.some((e) => e.lambdaFunctionFailedEventDetails?.error === LambdaErrorType.ResponseTooLarge));
    assert.equal(record?.status, 'failed');
  });

  test('a state over 256 KiB fails the execution with States.DataLimitExceeded, which no Catch can catch', async (t) => {
    // Prepare
    const jobId = await jobFaulted(t, { path: 'Backup/PlanVerify', fault: { result: { blob: 'x'.repeat(StepFunctionsLimits.payloadBytes + 1) } } });

    // Act
    const { execution } = await backupOf(jobId);

    // Assess
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'States.DataLimitExceeded');
    assert.ok(!execution.history.some((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'Mark failed'), 'Mark failed never ran');
  });
});
