import { afterAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { parseConnectionSecret } from '../../sources/postgres/secret.js';
import { SecretUnavailableError } from '../../sources/postgres/errors.js';
import { HOLDER_APPLICATION, PostgresSource } from '../../sources/postgres/source.js';
import { closeSnapshotHolders, heldSnapshots } from '../../sources/postgres/snapshot-holder.js';
import { tableFilter } from '../../sources/postgres/selection.js';
import { connect, createConnectionSecret, createDatabase, sql } from '../helpers/postgres.js';

describe('PostgreSQL source pieces', () => {
  afterAll(() => closeSnapshotHolders());

  test('a secret in the RDS layout parses, TLS verifying the server by default (verify-full)', () => {
    // Prepare
    const secret = JSON.stringify({ host: 'db', dbname: 'app', username: 'u', password: 'p' });

    // Act
    const parsed = parseConnectionSecret(secret, 'arn');

    // Assess
    assert.deepEqual(parsed, { host: 'db', port: 5432, database: 'app', user: 'u', password: 'p', ssl: { rejectUnauthorized: true } });
  });

  test("a secret's sslmode sets TLS: require trusts its CA without verifying the host, disable turns TLS off", () => {
    // Prepare
    const requireSecret = JSON.stringify({ host: 'db', port: '6543', database: 'app', user: 'u', password: 'p', sslmode: 'require', ssl_ca: 'PEM' });
    const disableSecret = JSON.stringify({ host: 'db', dbname: 'a', username: 'u', password: 'p', sslmode: 'disable' });

    // Act
    const required = parseConnectionSecret(requireSecret, 'arn');
    const disabled = parseConnectionSecret(disableSecret, 'arn');

    // Assess
    assert.deepEqual(required.ssl, { rejectUnauthorized: false, ca: 'PEM' });
    assert.equal(disabled.ssl, false);
  });

  test('a malformed secret, or one with an unsupported sslmode, is a SecretUnavailableError that keeps the password out', () => {
    for (const bad of ['not json', '{"host":"db"}', JSON.stringify({ host: 'db', dbname: 'a', username: 'u', password: 'p', sslmode: 'prefer' })]) {
      // Act
      const parse = () => parseConnectionSecret(bad, 'arn');

      // Assess
      assert.throws(parse, (e: Error) => e instanceof SecretUnavailableError && !e.message.includes('"p"'));
    }
  });

  test('table globs: bare names match in every schema, dotted ones match schema.table', () => {
    // Prepare
    const filter = tableFilter({ tables: ['users', 'sales.*'], exclude_tables: ['temp_*'], exclude_schemas: ['audit'] });

    // Act
    const kept = [['public', 'users'], ['other', 'users'], ['sales', 'x'], ['public', 'x'], ['sales', 'temp_1'], ['audit', 'users']].map(([s, t]) => filter(s!, t!));

    // Assess
    assert.deepEqual(kept, [true, true, true, false, false, false]);
  });

  test('the snapshot holder lives until the source releases it', async () => {
    // Prepare
    const db = await createDatabase('pghold');
    await sql(db, 'CREATE TABLE public.t (id int PRIMARY KEY)');
    const source = new PostgresSource({ type: 'postgresql', secret_arn: await createConnectionSecret(db) });
    const holders = () => sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);

    // Act
    const described = await source.describe();
    const heldWhileDescribed = heldSnapshots();
    await source.release(described);

    // Assess
    assert.deepEqual(heldWhileDescribed, [described.snapshot!.id]);
    assert.deepEqual(heldSnapshots(), []);
    assert.deepEqual(await holders(), []);
  });

  test('release from another process terminates the holder session it names, and no other session', async (t) => {
    // Prepare
    const db = await createDatabase('pghold');
    await sql(db, 'CREATE TABLE public.t (id int PRIMARY KEY)');
    const secret = await createConnectionSecret(db);
    const holders = () => sql(db, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [HOLDER_APPLICATION]);
    // A holder left by another process (a frozen plan Lambda) and a bystander session with the same user.
    const foreign = await connect(db);
    foreign.on('error', () => {});
    t.onTestFinished(() => foreign.end().catch(() => {}));
    await foreign.query(`SET application_name = '${HOLDER_APPLICATION}'; BEGIN ISOLATION LEVEL REPEATABLE READ`);
    const { rows } = await foreign.query<{ id: string; pid: number }>('SELECT pg_export_snapshot() AS id, pg_backend_pid() AS pid');
    const bystander = await connect(db);
    t.onTestFinished(() => bystander.end());
    const bystanderPid = (await bystander.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    // Act
    await new PostgresSource({ type: 'postgresql', secret_arn: secret }).release({ snapshot: { id: rows[0]!.id, holder_pid: rows[0]!.pid } });
    await new PostgresSource({ type: 'postgresql', secret_arn: secret }).release({ snapshot: { id: 'x', holder_pid: bystanderPid } });
    await new Promise((r) => setTimeout(r, 200));

    // Assess
    assert.deepEqual(await holders(), []);
    assert.equal((await bystander.query('SELECT 1 AS one')).rows[0].one, 1, 'a session that is not a holder is left alone');
  });
});
