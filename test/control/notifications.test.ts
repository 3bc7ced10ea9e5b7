/**
 * Notifications end to end on the local cloud: the deployed backup and
 * restore workflows' functions publish through their notifier, an SQS queue
 * subscribed to the template's SNS topic receives the people-facing
 * messages (filtered by each job's notification settings), and an
 * EventBridge rule receives every event with its documented fields.
 * Nothing secret appears anywhere.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { secretsManagerClient, snsClient } from '../../vault/aws/clients.js';
import { backupFailed } from '../../control/notifications/details.js';
import { EVENT_FIELDS, isHavenEventType } from '../../control/notifications/event-types.js';
import type { ExportBatchInput } from '../../control/workflows/backup/types.js';
import { Notifier } from '../../control/notifications/notifier.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { createQueue, drain, eventsToQueue, type TestQueue } from '../helpers/notifications.js';

interface SnsEnvelope {
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { Type: string; Value: string }>;
}

interface BusEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

const SECRET_VALUE = 'hunter2-Sup3r-Secret';
const CONNECTION_PASSWORD = 'pa55w0rd-in-url';
/** A failure message quoting a connection string (as a PostgreSQL source's might). */
const LEAKY_MESSAGE = `could not reach postgresql://admin:${CONNECTION_PASSWORD}@db.internal:5432/app password=${CONNECTION_PASSWORD}`;

describe('notifications: SNS to SQS, EventBridge to SQS', () => {
  let cloud: LocalCloud;
  let snsQueue: TestQueue;
  let busQueue: TestQueue;
  const table = uniqueName('notify-orders');
  const missingTable = uniqueName('missing');
  /** The fixture's ids, set once in beforeAll; `leaky` is the job whose export step fails with a message quoting a connection string. */
  const ids = { loud: '', quiet: '', broken: '', leaky: '', loudBackup: '', quietBackup: '', brokenBackup: '', restore: '' };
  const sns: SnsEnvelope[] = [];
  const bus: BusEvent[] = [];

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      // The missing table is granted, so its backup fails because it does not exist (not for want of a grant).
      sourceTables: [table, missingTable],
      restoreTables: [`${table}-restored`],
      // A failure whose message quotes a connection string (a PostgreSQL source's, say): the emulator's DynamoDB cannot produce one.
      faults: ({ fn, event }) =>
        fn.path.endsWith('Backup/ExportPartition') && (event as ExportBatchInput).BatchInput?.context?.job_id === ids.leaky
          ? { error: { errorType: 'StorageAccessDeniedError', errorMessage: LEAKY_MESSAGE } }
          : undefined,
    });
    snsQueue = await createQueue('haven-sns');
    await snsClient().send(new SubscribeCommand({ TopicArn: cloud.output('NotificationTopicArn'), Protocol: 'sqs', Endpoint: snsQueue.arn }));
    busQueue = await eventsToQueue();
    await seedTable(table, 40);
    const secret = await secretsManagerClient().send(new CreateSecretCommand({ Name: uniqueName('haven-source'), SecretString: SECRET_VALUE }));
    const source = { type: 'dynamodb' as const, table_name: table, secret_arn: secret.ARN! };
    const loud = await cloud.catalog.createJob(newJob(source, { job_name: 'Loud job' }));
    const quiet = await cloud.catalog.createJob(newJob(source, { job_name: 'Quiet job', notifications: { on_success: false, on_failure: true, on_warning: false, recipients: ['ops@example.com'] } }));
    const broken = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: missingTable }, { job_name: 'Broken job', notifications: { on_success: false, on_failure: true, on_warning: false, recipients: [] } }));
    const leaky = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }, { job_name: 'Leaky job', notifications: { on_success: false, on_failure: true, on_warning: false, recipients: [] } }));
    Object.assign(ids, { loud: loud.job_id, quiet: quiet.job_id, broken: broken.job_id, leaky: leaky.job_id });

    for (const [job, key] of [[loud, 'loudBackup'], [quiet, 'quietBackup'], [broken, 'brokenBackup']] as const) {
      const run = await cloud.workflows.run('backup', { job_id: job.job_id });
      assert.equal(run.status, job === broken ? 'FAILED' : 'SUCCEEDED', `${job.job_name}: ${run.error}: ${run.cause}`);
      ids[key] = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!.backup_id;
    }
    const restore = await cloud.catalog.restores.create({ restore_name: 'notify', backup_id: ids.loudBackup, destination: { type: 'dynamodb', table_name: `${table}-restored`, create_missing_tables: true }, created_by: 'test' });
    ids.restore = restore.restore_id;
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);

    // A failure whose message quotes a connection string, published to the template's topic: the notifier must cut the credentials out.
    const notifier = new Notifier({ catalog: cloud.catalog, topicArn: cloud.output('NotificationTopicArn') });
    const record = await cloud.catalog.getBackup(ids.brokenBackup);
    await notifier.publish(backupFailed(record, { code: 'StorageUnavailable', message: LEAKY_MESSAGE }));

    sns.push(...(await drain(snsQueue)).map((body) => JSON.parse(body) as SnsEnvelope));
    bus.push(...(await drain(busQueue)).map((body) => JSON.parse(body) as BusEvent));
  });
  afterAll(() => cloud.close());

  const detailOf = (m: SnsEnvelope) => JSON.parse(m.Message.slice(m.Message.indexOf('{'))) as Record<string, unknown>;
  const snsFor = (type: string, key: string, id: string) => sns.filter((m) => m.MessageAttributes.event_type?.Value === type && detailOf(m)[key] === id);

  test('a job with on_success true gets a readable success message with filterable attributes', () => {
    // Act
    const [message, ...more] = snsFor('Backup Succeeded', 'backup_id', ids.loudBackup);

    // Assess
    assert.ok(message, 'success message for the loud job');
    assert.equal(more.length, 0, 'exactly one');
    assert.equal(message.Subject, '[Haven] Backup Succeeded: Loud job');
    assert.match(message.Message, /^Backup Succeeded \(success\)\n/);
    assert.match(message.Message, /bytes_read: [\d.]+ (B|KiB|MiB) \(\d+\)/);
    assert.equal(message.MessageAttributes.severity?.Value, 'success');
    assert.equal(message.MessageAttributes.job_id?.Value, ids.loud);
  });

  test('a job with on_success false gets no success message', () => {
    // Act
    const aboutBackup = sns.filter((m) => m.Message.includes(ids.quietBackup));
    const aboutJob = sns.filter((m) => m.Message.includes(ids.quiet));

    // Assess
    assert.equal(aboutBackup.length, 0);
    assert.equal(aboutJob.length, 0);
  });

  test('a job with on_success false still has its success event reach EventBridge', () => {
    // Act
    const event = bus.find((e) => e['detail-type'] === 'Backup Succeeded' && e.detail.backup_id === ids.quietBackup);

    // Assess
    assert.ok(event);
  });

  test('a failed backup notifies a job with on_failure true', () => {
    // Act
    const failures = snsFor('Backup Failed', 'backup_id', ids.brokenBackup);

    // Assess
    assert.ok(failures.length >= 1);
    assert.equal(failures[0]!.MessageAttributes.severity?.Value, 'failure');
    assert.equal(failures[0]!.Subject, '[Haven] Backup Failed: Broken job');
  });

  test('a restore notifies under its backup\'s job, with the job named in the detail', () => {
    // Act
    const [message] = snsFor('Restore Succeeded', 'restore_id', ids.restore);
    const event = bus.find((e) => e['detail-type'] === 'Restore Succeeded' && e.detail.restore_id === ids.restore);

    // Assess
    assert.ok(message, 'restore success message');
    assert.equal(detailOf(message).job_id, ids.loud);
    assert.equal(event?.detail.job_id, ids.loud);
  });

  test('every EventBridge event has source haven and its documented fields', () => {
    // Act
    const events = bus.map((event) => ({ source: event.source, type: event['detail-type'], detail: event.detail }));

    // Assess
    assert.ok(events.length >= 5, `got ${events.length} events`);
    for (const { source, type, detail } of events) {
      assert.equal(source, 'haven');
      assert.ok(isHavenEventType(type), type);
      const { required, optional } = EVENT_FIELDS[type];
      for (const field of required) assert.ok(field in detail, `${type} lacks ${field}`);
      for (const field of Object.keys(detail)) assert.ok([...required, ...optional].includes(field), `${type} has undocumented ${field}`);
    }
  });

  test('nothing secret appears in any message or event', () => {
    // Act
    const everything = [...sns.map((m) => JSON.stringify(m)), ...bus.map((e) => JSON.stringify(e))].join('\n');

    // Assess
    assert.ok(everything.includes('[redacted]'), 'the connection string was redacted');
    for (const secret of [SECRET_VALUE, CONNECTION_PASSWORD, 'admin:']) assert.ok(!everything.includes(secret), `${secret} leaked`);
  });

  const NO_SUCH_TOPIC = 'arn:aws:sns:us-east-1:123456789012:haven-no-such-topic';

  test('a message SNS refuses (no such topic) is reported, not thrown', async () => {
    // Prepare
    const errors: string[] = [];
    const notifier = new Notifier({ catalog: cloud.catalog, topicArn: NO_SUCH_TOPIC, onError: (error) => errors.push(error.name) });
    const record = await cloud.catalog.getBackup(ids.brokenBackup);

    // Act
    const delivery = await notifier.publish(backupFailed(record, { code: 'StorageUnavailable', message: 'unreachable' }));

    // Assess
    assert.equal(delivery.snsMessageId, undefined);
    assert.equal(errors.length, 1);
  });

  test('a message SNS refuses (no such topic) still reaches EventBridge', async () => {
    // Prepare
    const notifier = new Notifier({ catalog: cloud.catalog, topicArn: NO_SUCH_TOPIC, onError: () => undefined });
    const record = await cloud.catalog.getBackup(ids.brokenBackup);
    const message = uniqueName('unreachable');

    // Act
    await notifier.publish(backupFailed(record, { code: 'StorageUnavailable', message }));

    // Assess
    const events = (await drain(busQueue)).map((body) => JSON.parse(body) as BusEvent);
    assert.ok(events.some((e) => e['detail-type'] === 'Backup Failed' && e.detail.error_message === message));
  });

  test('a step failure whose message quotes a connection string is recorded failed and announced, redacted, once', async () => {
    // Prepare
    const jobId = ids.leaky;

    // Act
    const run = await cloud.workflows.run('backup', { job_id: jobId });

    // Assess
    assert.equal(run.error, 'BackupFailed', `${run.error}: ${run.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: jobId })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.ok(!JSON.stringify(record).includes(CONNECTION_PASSWORD), 'the record holds no credentials');
    const messages = (await drain(snsQueue)).map((body) => JSON.parse(body) as SnsEnvelope).filter((m) => m.MessageAttributes.event_type?.Value === 'Backup Failed' && detailOf(m).backup_id === record.backup_id);
    assert.equal(messages.length, 1, 'announced once');
    assert.ok(!JSON.stringify(messages).includes(CONNECTION_PASSWORD), 'the message holds no credentials');
  });
});
