/** The job definition flags for on-demand jobs and destinations, as commander parses them into the request body. */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { jobDefinitionOptions, jobFields, type JobFlags } from '../../cli/commands/job-flags.js';
import { buildBody } from '../../cli/commands/input-file.js';

/** The body `haven jobs create|update` would send for these arguments. */
async function bodyOf(args: string[]): Promise<Record<string, unknown>> {
  const command = jobDefinitionOptions(new Command('create').exitOverride());
  command.parse(args, { from: 'user' });
  return buildBody(undefined, jobFields(command.opts<JobFlags>()));
}

describe('job flags: schedule and destination', () => {
  test('--no-schedule sends schedule: null (an on-demand job; on update, removes the schedule)', async () => {
    // Act
    const body = await bodyOf(['--name', 'n', '--no-schedule']);

    // Assess
    assert.deepEqual(body, { job_name: 'n', schedule: null });
  });

  test('without schedule flags, no schedule field is sent', async () => {
    // Act
    const body = await bodyOf(['--name', 'n']);

    // Assess
    assert.equal('schedule' in body, false);
  });

  test('--no-schedule with --at is a usage error', async () => {
    // Act
    const parse = () => bodyOf(['--no-schedule', '--at', '02:00']);

    // Assess
    await assert.rejects(parse, { name: 'UsageError' });
  });

  test('--vault-bucket, --vault-path, --vault-region and --storage-class fill the destination', async () => {
    // Act
    const body = await bodyOf(['--vault-bucket', 'acme-vaults', '--vault-path', 'database/daily/', '--vault-region', 'us-east-1', '--storage-class', 'ONEZONE_IA']);

    // Assess
    assert.deepEqual(body.destination, { type: 'vault', bucket: 'acme-vaults', path: 'database/daily/', region: 'us-east-1', storage_class: 'ONEZONE_IA' });
  });
});
