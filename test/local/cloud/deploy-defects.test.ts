/**
 * Deployment defects found in the synthesized template, each shown on the
 * local cloud (the template deployed and run under its policies): the API
 * stage's access logging needs API Gateway's account role, two stacks
 * deploy side by side, a backup that fails in Plan still announces it, and
 * a source encrypted under a customer-managed key needs the key granted by
 * context.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { dynamoDbClient, kmsClient } from '../../../vault/aws/clients.js';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import { MISSING_CLOUDWATCH_ROLE } from '../../../local/cloud/provision.js';
import { writeItems, demoItem } from '../../../local/demo/seed-data.js';
import { newJob } from '../../helpers/jobs.js';
import { uniqueName } from '../../helpers/names.js';

describe('deploying the template into an account', () => {
  const missing = uniqueName('missing');
  /**
   * Two stacks deployed side by side at once, assessed by several tests: the first grants a table that does not exist
   * (for the backup that fails in Plan), the second is the default template (only its stack name is its own).
   */
  let clouds: LocalCloud[];

  beforeAll(async () => {
    clouds = await Promise.all([LocalCloud.start({ name: 'first', sourceTables: [missing] }), LocalCloud.start({ name: 'second' })]);
  });
  afterAll(async () => void (await Promise.all((clouds ?? []).map((c) => c.close()))));

  test('without the API Gateway account role in a fresh account the stack rolls back', async () => {
    // Act
    const start = LocalCloud.start({ context: { 'haven:apiGatewayCloudWatchRole': false } });

    // Assess
    await assert.rejects(start, (error: Error) => error.message.includes(MISSING_CLOUDWATCH_ROLE));
  });

  test('the default template deploys into a fresh account (it creates the role)', () => {
    // Assess
    assert.ok(clouds[1]!.deployment.stackName, 'the stack deployed');
  });

  test('two stacks deploy side by side: their key aliases and schedule groups derive from their names', () => {
    // Assess: both deployed into the same emulator account at once (fixed names made the second fail)
    const aliases = clouds.map((c) => [...c.deployment.aliases.keys()].sort());
    assert.notDeepEqual(aliases[0], aliases[1]);
    assert.ok(aliases.every((names, i) => names.every((alias) => alias.includes(clouds[i]!.deployment.stackName))), JSON.stringify(aliases));
    assert.notEqual(clouds[0]!.output('ScheduleGroupName'), clouds[1]!.output('ScheduleGroupName'));
  });

  test('a backup that fails in Plan is recorded failed and announced with a Backup Failed event, nothing denied', async () => {
    // Prepare: a job on a granted table that does not exist
    const cloud = clouds[0]!;
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: missing }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'FAILED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.doesNotMatch(record.error?.message ?? '', /AccessDenied|not authorized/);
    const failed = cloud.events.filter((e) => e.detailType === 'Backup Failed');
    assert.equal(failed.length, 1, JSON.stringify(cloud.events.map((e) => e.detailType)));
    assert.deepEqual(cloud.denials.map((d) => `${d.principal} ${d.decision.denied?.request.action}`), []);
  });
});

/** Creates a table encrypted under a new customer-managed key; returns the key's ARN. */
async function encryptedTable(name: string): Promise<string> {
  const key = await kmsClient().send(new CreateKeyCommand({ Description: `test key of ${name}` }));
  await dynamoDbClient().send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyMetadata!.Arn! },
    }),
  );
  await waitUntilTableExists({ client: dynamoDbClient(), maxWaitTime: 30 }, { TableName: name });
  await writeItems(name, [0, 1, 2, 3, 4], (i) => demoItem(i));
  return key.KeyMetadata!.Arn!;
}

for (const granted of [false, true]) {
  describe(`a source table under a customer-managed key, ${granted ? 'granted' : 'not granted'} by haven:sourceKmsKeyArns`, () => {
    const table = uniqueName('cmk');
    let cloud: LocalCloud;

    beforeAll(async () => {
      const keyArn = await encryptedTable(table);
      cloud = await LocalCloud.start({ sourceTables: [table], context: granted ? { 'haven:sourceKmsKeyArns': [keyArn] } : {} });
      await cloud.declareEncryption('table', table, keyArn);
    });
    afterAll(() => cloud.close());

    test(granted ? 'backs up' : 'fails with AccessDenied on kms:Decrypt, recorded on the backup', async () => {
      // Prepare
      const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

      // Act
      const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

      // Assess
      const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
      if (granted) {
        assert.equal(execution.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message} ${JSON.stringify(cloud.denials.map((d) => [d.principal, d.decision.denied]))}`);
        assert.equal(record.result?.records, 5);
      } else {
        assert.equal(record.status, 'failed');
        assert.ok(cloud.denials.some((d) => d.decision.denied?.request.action === 'kms:Decrypt'));
      }
    });
  });
}
