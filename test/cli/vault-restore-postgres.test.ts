/**
 * `haven vault restore --to-postgres`: the sample database (every column
 * type, constraints, indexes, sequences, two schemas) backed up into a file
 * vault, then restored by the CLI's program into new databases on the real
 * test server, connected through the PG* variables or a Secrets Manager
 * secret, and compared row for row and object for object.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createSampleDatabase } from '../../local/postgres/sample-database.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { tempVault, type TempVault } from '../helpers/engine.js';
import { connect, createConnectionSecret, createDatabase, databaseDigest, databaseObjects, testPostgres } from '../helpers/postgres.js';
import { backUpSource, runProgram } from './vault-restore-support.js';

describe('vault restore --to-postgres', () => {
  /** Made once, only read by the tests: the source database, its digest and objects, and its backup. */
  let vault: TempVault;
  let source: string;
  let digest: Awaited<ReturnType<typeof databaseDigest>>;
  let objects: Awaited<ReturnType<typeof databaseObjects>>;
  beforeAll(async () => {
    source = await createDatabase('drpg');
    const client = await connect(source);
    await createSampleDatabase(client, 3_000);
    await client.end();
    vault = await tempVault();
    const config = { type: 'postgresql', secret_arn: await createConnectionSecret(source), rows_per_partition: 1000 };
    await backUpSource(vault.vault, config, new PostgresSource(config));
    [digest, objects] = await Promise.all([databaseDigest(source), databaseObjects(source)]);
  });
  afterAll(() => vault.cleanup());

  test('restores into the database the PG* variables name: same rows, constraints, indexes and sequence values', async () => {
    // Prepare
    const target = await createDatabase('drpgenv');
    const server = testPostgres();
    const env = { PGHOST: server.host, PGPORT: String(server.port), PGUSER: server.user, PGPASSWORD: server.password, PGDATABASE: target, PGSSLMODE: 'disable' };

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-postgres', '--json'], env);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { partitions: number; counts_verified: boolean; target: Record<string, string> };
    assert.ok(summary.partitions > 1 && summary.counts_verified);
    assert.equal(summary.target.database, target);
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(server.password));
    assert.deepEqual(await databaseDigest(target), digest);
    assert.deepEqual(await databaseObjects(target), objects);
  });

  test('restores into the database of a Secrets Manager secret, with --database overriding it', async () => {
    // Prepare
    const target = await createDatabase('drpgsecret');
    const secret = await createConnectionSecret('postgres');

    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-postgres', '--secret-arn', secret, '--database', target]);

    // Assess
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await databaseDigest(target), digest);
  });

  test('takes no password on the command line (exit 2)', async () => {
    // Act
    const run = await runProgram(['vault', 'restore', vault.storeDir, 'latest', '--key-file', vault.keyFile, '--to-postgres', '--password', 'secret']);

    // Assess
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option '--password'/);
  });
});
