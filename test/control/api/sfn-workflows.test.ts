/** The Step Functions workflow starter against the emulator: named starts, idempotent retries, stops. */
import { beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { CreateStateMachineCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../../vault/aws/clients.js';
import { executionArnOf, SfnWorkflowStarter, UnknownMachineError } from '../../../control/api/sfn-workflows.js';
import { uniqueName } from '../../helpers/names.js';

let starter: SfnWorkflowStarter;
let machineArn: string;

beforeAll(async () => {
  const definition = JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 600, End: true } } });
  const out = await sfnClient().send(new CreateStateMachineCommand({ name: uniqueName('haven-backup'), definition, roleArn: 'arn:aws:iam::123456789012:role/sfn' }));
  machineArn = out.stateMachineArn!;
  starter = new SfnWorkflowStarter({ backup: machineArn });
});

test('start names the execution after the record and passes the input', async () => {
  // Prepare
  const input = { job_id: 'job_1', execution_id: 'exec_01test0000000000000000001' };

  // Act
  const { executionArn } = await starter.start('backup', 'exec_01test0000000000000000001', input);

  // Assess
  assert.equal(executionArn, executionArnOf(machineArn, 'exec_01test0000000000000000001'));
  const described = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
  assert.equal(described.status, 'RUNNING');
  assert.deepEqual(JSON.parse(described.input ?? '{}'), { job_id: 'job_1', execution_id: 'exec_01test0000000000000000001' });
});

test('a retried start of the same execution counts as started', async () => {
  // Prepare
  const name = 'exec_01test0000000000000000002';
  const first = await starter.start('backup', name, { job_id: 'job_1' });

  // Act
  const again = await starter.start('backup', name, { job_id: 'job_1' });

  // Assess
  assert.equal(again.executionArn, first.executionArn);
});

test('stop aborts a running execution', async () => {
  // Prepare
  const name = 'exec_01test0000000000000000003';
  const { executionArn } = await starter.start('backup', name, {});

  // Act
  await starter.stop('backup', name, 'cancelled by test');

  // Assess
  assert.equal((await sfnClient().send(new DescribeExecutionCommand({ executionArn }))).status, 'ABORTED');
});

test('stopping a stopped execution, or one never started, does nothing', async () => {
  // Prepare
  const name = 'exec_01test0000000000000000004';
  const { executionArn } = await starter.start('backup', name, {});
  await starter.stop('backup', name, 'cancelled by test');

  // Act
  const again = starter.stop('backup', name, 'again');
  const unknown = () => starter.stop('backup', 'exec_01nothing000000000000000', 'never started');

  // Assess
  await assert.doesNotReject(again);
  await assert.doesNotReject(unknown);
  assert.equal((await sfnClient().send(new DescribeExecutionCommand({ executionArn }))).status, 'ABORTED');
});

test('a machine without an ARN is a typed error', async () => {
  // Act
  const start = () => starter.start('restore', 'restore_x', {});

  // Assess
  await assert.rejects(start, UnknownMachineError);
});
