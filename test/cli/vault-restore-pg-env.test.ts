/** `--to-postgres` without `--secret-arn`: the connection the standard PG* variables describe. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { UsageError } from '../../cli/api/errors.js';
import { connectionFromEnv } from '../../cli/vault/pg-env.js';

test('libpq defaults: localhost:5432, the login name as user and database, verified TLS', () => {
  // Act
  const connection = connectionFromEnv({});

  // Assess
  const user = userInfo().username;
  assert.deepEqual(connection, { host: 'localhost', port: 5432, database: user, user, password: '', ssl: { rejectUnauthorized: true } });
});

test('every variable is read, and --database overrides PGDATABASE', () => {
  // Act
  const connection = connectionFromEnv({ PGHOST: 'db.internal', PGPORT: '6432', PGUSER: 'admin', PGPASSWORD: 'pw', PGDATABASE: 'orders', PGSSLMODE: 'require' }, 'orders_restored');

  // Assess
  assert.deepEqual(connection, { host: 'db.internal', port: 6432, database: 'orders_restored', user: 'admin', password: 'pw', ssl: { rejectUnauthorized: false } });
});

test('a Unix socket directory in PGHOST connects without TLS unless PGSSLMODE says otherwise', () => {
  // Act
  const connection = connectionFromEnv({ PGHOST: '/var/run/postgresql', PGUSER: 'postgres' });

  // Assess
  assert.equal(connection.ssl, false);
});

test('a TLS mode node-postgres cannot honour is a usage error naming PGSSLMODE', () => {
  // Act
  const attempt = () => connectionFromEnv({ PGSSLMODE: 'prefer' });

  // Assess
  assert.throws(attempt, (error) => error instanceof UsageError && /PGSSLMODE must be one of disable, require, verify-full/.test(error.message));
});
