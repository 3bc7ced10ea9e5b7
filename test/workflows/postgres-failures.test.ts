import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStack } from '../../local/stack/local-stack.js';
import { freePort } from '../../local/emulator/ports.js';
import { closeSnapshotHolders } from '../../engine/sources/postgres/snapshot-holder.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, sql, testPostgres } from '../helpers/postgres.js';

describe('PostgreSQL backups fail clearly, with a typed code and no secret in the record', () => {
  let stack: LocalStack;
  let db: string;
  const wrongPassword = 'not-the-password-3141';

  before(async () => {
    stack = await LocalStack.create();
    db = await createDatabase('pgfail');
    await sql(
      db,
      `CREATE TABLE public.open_data (id int PRIMARY KEY, v text); INSERT INTO public.open_data VALUES (1, 'x');
       CREATE TABLE public.private_data (id int PRIMARY KEY, v text);
       CREATE ROLE limited_reader LOGIN PASSWORD 'reader-pw-2718'; GRANT SELECT ON public.open_data TO limited_reader;`,
    );
  });
  after(() => closeSnapshotHolders());

  async function failedBackup(source: Record<string, unknown>, code: string, message: RegExp): Promise<void> {
    const job = await stack.catalog.createJob(newJob({ type: 'postgresql', ...source } as never));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'FAILED');
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, code, record.error?.message);
    assert.match(record.error?.message ?? '', message);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease was released');
    const recorded = JSON.stringify([record, await stack.catalog.getJob(job.job_id), stack.events]);
    for (const secret of [testPostgres().password, wrongPassword, 'reader-pw-2718']) assert.ok(!recorded.includes(secret), 'no password in the record, job or events');
    assert.doesNotMatch(recorded, /postgres(ql)?:\/\/[^\s"]*@/, 'no connection string');
  }

  test('unreachable host: DatabaseUnreachable', async () => {
    await failedBackup({ secret_arn: await createConnectionSecret(db, { port: await freePort() }), connect_timeout_ms: 3000 }, 'DatabaseUnreachable', /cannot reach .*127\.0\.0\.1/);
  });

  test('wrong password: AuthenticationFailed', async () => {
    await failedBackup({ secret_arn: await createConnectionSecret(db, { password: wrongPassword }) }, 'AuthenticationFailed', /authentication failed/);
  });

  test('missing table or database: SourceNotFound', async () => {
    await failedBackup({ secret_arn: await createConnectionSecret(db), tables: ['open_data', 'no_such_table'] }, 'SourceNotFound', /no_such_table/);
    await failedBackup({ secret_arn: await createConnectionSecret('no_such_database') }, 'SourceNotFound', /no_such_database/);
  });

  test('a table the user may not read: PermissionDenied', async () => {
    await failedBackup({ secret_arn: await createConnectionSecret(db, { username: 'limited_reader', password: 'reader-pw-2718' }) }, 'PermissionDenied', /permission denied.*private_data/);
  });

  test('a statement that outlasts statement_timeout_ms (a lock held elsewhere): StatementTimeout', async () => {
    const locker = await connect(db);
    await locker.query('BEGIN; LOCK TABLE public.open_data IN ACCESS EXCLUSIVE MODE');
    try {
      await failedBackup({ secret_arn: await createConnectionSecret(db), statement_timeout_ms: 300 }, 'StatementTimeout', /timeout/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  test('a secret that does not exist: SecretUnavailable', async () => {
    await failedBackup({ secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf' }, 'SecretUnavailable', /cannot read secret/);
  });
});
