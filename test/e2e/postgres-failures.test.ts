import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenContextKey } from '../../infra/config.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { freePort } from '../../local/emulator/ports.js';
import { newJob } from '../helpers/jobs.js';
import { connect, createConnectionSecret, createDatabase, sql, testPostgres } from '../helpers/postgres.js';

describe('PostgreSQL backups fail clearly, with a typed code and no secret in the record', () => {
  let cloud: LocalCloud;
  let db: string;
  const wrongPassword = 'not-the-password-3141';
  /** A secret the stack lists that was never created (or was deleted since). */
  const MISSING_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf';
  /** The connection secrets of the tests, by what is wrong with them. */
  const secrets: Record<'unreachable' | 'wrongPassword' | 'valid' | 'noDatabase' | 'limitedReader', string> = { unreachable: '', wrongPassword: '', valid: '', noDatabase: '', limitedReader: '' };

  beforeAll(async () => {
    db = await createDatabase('pgfail');
    await sql(
      db,
      `CREATE TABLE public.open_data (id int PRIMARY KEY, v text); INSERT INTO public.open_data VALUES (1, 'x');
       CREATE TABLE public.private_data (id int PRIMARY KEY, v text);
       CREATE ROLE limited_reader LOGIN PASSWORD 'reader-pw-2718'; GRANT SELECT ON public.open_data TO limited_reader;`,
    );
    secrets.unreachable = await createConnectionSecret(db, { port: await freePort() });
    secrets.wrongPassword = await createConnectionSecret(db, { password: wrongPassword });
    secrets.valid = await createConnectionSecret(db);
    secrets.noDatabase = await createConnectionSecret('no_such_database');
    secrets.limitedReader = await createConnectionSecret(db, { username: 'limited_reader', password: 'reader-pw-2718' });
    // The template grants the database steps these secrets (and the missing one), as a deployment's context lists them.
    cloud = await LocalCloud.start({ context: { [HavenContextKey.PostgresSecretArns]: [...Object.values(secrets), MISSING_SECRET] } });
  });
  afterAll(() => cloud.close());

  /** Creates a job backing up `source` and runs its backup. */
  async function backupOf(source: Record<string, unknown>) {
    const job = await cloud.catalog.createJob(newJob({ type: 'postgresql', ...source } as never));
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });
    return { job, execution };
  }

  /** Checks that the backup failed with `code`, recorded with no secret, the lease released, and IAM never in the way. */
  async function assertFailed({ job, execution }: Awaited<ReturnType<typeof backupOf>>, code: string, message: RegExp): Promise<void> {
    assert.equal(execution.status, 'FAILED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, code, record.error?.message);
    assert.match(record.error?.message ?? '', message);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease was released');
    const recorded = JSON.stringify([record, await cloud.catalog.getJob(job.job_id), cloud.events, execution.history]);
    for (const secret of [testPostgres().password, wrongPassword, 'reader-pw-2718']) assert.ok(!recorded.includes(secret), 'no password in the record, job, events or execution history');
    assert.doesNotMatch(recorded, /postgres(ql)?:\/\/[^\s"]*@/, 'no connection string');
    assert.deepEqual(cloud.denials, [], 'a failure of the database, not of IAM');
  }

  test('unreachable host: DatabaseUnreachable', async () => {
    // Act
    const run = await backupOf({ secret_arn: secrets.unreachable, connect_timeout_ms: 3000 });

    // Assess
    await assertFailed(run, 'DatabaseUnreachable', /cannot reach .*127\.0\.0\.1/);
  });

  test('wrong password: AuthenticationFailed', async () => {
    // Act
    const run = await backupOf({ secret_arn: secrets.wrongPassword });

    // Assess
    await assertFailed(run, 'AuthenticationFailed', /authentication failed/);
  });

  test('missing table or database: SourceNotFound', async () => {
    // Act
    const missingTable = await backupOf({ secret_arn: secrets.valid, tables: ['open_data', 'no_such_table'] });

    // Assess
    await assertFailed(missingTable, 'SourceNotFound', /no_such_table/);

    // Act
    const missingDatabase = await backupOf({ secret_arn: secrets.noDatabase });

    // Assess
    await assertFailed(missingDatabase, 'SourceNotFound', /no_such_database/);
  });

  test('a table the user may not read: PermissionDenied', async () => {
    // Act
    const run = await backupOf({ secret_arn: secrets.limitedReader });

    // Assess
    await assertFailed(run, 'PermissionDenied', /permission denied.*private_data/);
  });

  test('a statement that outlasts statement_timeout_ms (a lock held elsewhere): StatementTimeout', async () => {
    // Prepare
    const locker = await connect(db);
    await locker.query('BEGIN; LOCK TABLE public.open_data IN ACCESS EXCLUSIVE MODE');
    try {
      // Act
      const run = await backupOf({ secret_arn: secrets.valid, statement_timeout_ms: 300 });

      // Assess
      await assertFailed(run, 'StatementTimeout', /timeout/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  test('a secret that does not exist: SecretUnavailable', async () => {
    // Act
    const run = await backupOf({ secret_arn: MISSING_SECRET });

    // Assess
    await assertFailed(run, 'SecretUnavailable', /cannot read secret/);
  });
});
