import { test } from 'vitest';
import assert from 'node:assert/strict';
import { backupIdOf, executionIdOf, IdPrefix, newId, ulid } from '../../../control/catalog/ids.js';
import { itemKeys, Kinds, listPartition } from '../../../control/catalog/keys.js';
import { timeRange } from '../../../control/catalog/time.js';

const at = (ms: number) => new Date(Date.parse('2024-01-15T00:00:00Z') + ms);

test('ulids are 26 Crockford characters', () => {
  // Act
  const ids = [ulid(at(0)), ulid(at(0)), ulid(at(0)), ulid(at(1)), ulid(at(1000)), ulid(at(86_400_000))];

  // Assess
  for (const id of ids) assert.match(id, /^[0-9a-hjkmnp-tv-z]{26}$/);
});

test('ulids sort by time, then by creation within a millisecond', () => {
  // Act
  const ids = [ulid(at(0)), ulid(at(0)), ulid(at(0)), ulid(at(1)), ulid(at(1000)), ulid(at(86_400_000))];

  // Assess
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a new id is its kind\'s prefix and a ulid', () => {
  // Act
  const id = newId(IdPrefix.Verification, at(0));

  // Assess
  assert.match(id, /^verify_[0-9a-z]{26}$/);
});

test('a backup id and its execution id map onto each other', () => {
  // Prepare
  const exec = newId(IdPrefix.Execution, new Date());

  // Act
  const backup = backupIdOf(exec);

  // Assess
  assert.equal(backup, `backup_${exec.slice('exec_'.length)}`);
  assert.equal(executionIdOf(backup), exec);
});

test('only a well-formed backup id has an execution id', () => {
  // Prepare
  const exec = newId(IdPrefix.Execution, new Date());

  // Act
  const ids = [executionIdOf(exec), executionIdOf('backup_#bad')];

  // Assess
  assert.deepEqual(ids, [undefined, undefined]);
});

test('only an execution id has a backup id', () => {
  // Act
  const map = () => backupIdOf('job_1');

  // Assess
  assert.throws(map);
});

test('keys follow the documented layout', () => {
  // Prepare
  const t = '2024-01-15T12:30:00.000Z';

  // Act
  const job = itemKeys(Kinds.job, 'job_1', t);
  const execution = itemKeys(Kinds.execution, 'exec_1', t, 'job_1');
  const verification = itemKeys(Kinds.verification, 'verify_1', t, 'backup_1');
  const restore = itemKeys(Kinds.restore, 'restore_1', t, 'backup_1');

  // Assess
  assert.deepEqual(job, { pk: 'JOB#job_1', sk: 'JOB', gsi1pk: 'JOBS', gsi1sk: `${t}#job_1` });
  assert.deepEqual(execution, {
    pk: 'EXEC#exec_1',
    sk: 'EXEC',
    gsi1pk: 'EXECS',
    gsi1sk: `${t}#exec_1`,
    gsi2pk: 'JOB#job_1',
    gsi2sk: `EXEC#${t}#exec_1`,
  });
  assert.equal(verification.gsi2pk, 'BACKUP#backup_1');
  assert.equal(restore.gsi1pk, 'RESTORES');
});

test('a list range bounds every key of its times and none outside', () => {
  // Prepare
  const range = timeRange('2024-01-15T00:00:00Z', '2024-01-15');
  const key = (time: string, id: string) => `EXEC#${time}#${id}`;
  const inside = [key('2024-01-15T00:00:00.000Z', 'exec_0'), key('2024-01-15T23:59:59.999Z', 'exec_zzzz-Z_9')];
  const outside = [key('2024-01-14T23:59:59.999Z', 'exec_z'), key('2024-01-16T00:00:00.000Z', 'exec_0')];

  // Act
  const where = listPartition(Kinds.execution, range, 'job_1');

  // Assess
  assert.equal(where.index.indexName, 'gsi2');
  for (const k of inside) assert.ok(k >= where.from && k <= where.to, k);
  for (const k of outside) assert.ok(!(k >= where.from && k <= where.to), k);
});
