/** Shared steps of the verify workflow tests: back a source up, run a verification, read what a backup references. */
import assert from 'node:assert/strict';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import type { VerificationRecord } from '../../control/catalog/types.js';
import { createVerification, type VerificationRequest } from '../../control/verification/create.js';
import { snapshotReferences } from '../../control/workflows/verify/references.js';
import type { LocalCloud } from '../../local/cloud/cloud.js';
import type { Execution } from '../../local/cloud/workflows.js';
import { newJob } from '../helpers/jobs.js';

/** A finished verification: the execution and the record. */
export interface VerifyRunResult {
  execution: Execution;
  record: VerificationRecord;
}

/** Creates a job for `source`, runs the deployed `backup` workflow (which must succeed) and returns the backup's id. */
export async function backUp(cloud: LocalCloud, source: Parameters<typeof newJob>[0], customParameters?: Record<string, unknown>): Promise<string> {
  const job = await cloud.catalog.createJob(newJob(source));
  const run = await cloud.workflows.run('backup', { job_id: job.job_id, ...(customParameters ? { custom_parameters: customParameters } : {}) });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  return (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!.backup_id;
}

/** Creates a verification the way the API does and runs the deployed `verify` workflow to the end. */
export async function runVerification(cloud: LocalCloud, request: Omit<VerificationRequest, 'requested_by'>): Promise<VerifyRunResult> {
  const created = await createVerification(cloud.catalog, { ...request, requested_by: 'test' });
  const execution = await cloud.workflows.run('verify', { verification_id: created.verification_id });
  return { execution, record: await cloud.catalog.verifications.get(created.verification_id) };
}

/** The packs a backup's snapshot references. */
export async function packsOf(cloud: LocalCloud, backupId: string): Promise<Set<string>> {
  const backup = await cloud.catalog.getBackup(backupId);
  const vault = await cloud.deps.vault();
  const refs = await snapshotReferences(vault, await vault.loadIndex(), await vault.readSnapshot(backup.result!.snapshot_id));
  return new Set(refs.packs.keys());
}

/** Whether a DynamoDB table exists. */
export async function tableExists(name: string): Promise<boolean> {
  try {
    await dynamoDbClient().send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
