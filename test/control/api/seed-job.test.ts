/**
 * Seed 001's own `POST /backup/jobs` example through the local API (the
 * template's API Gateway, the API function under its role, IAM enforced):
 * accepted as it stands with the two safe substitutions (a `secret_arn`
 * for the connection string; the deployment's vault bucket in
 * `destination.bucket` and its key, or none, in `encryption.key_id`), and
 * each refused variant answered with a 4xx naming its field.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { startApiFixture, vaultKeyAlias, type ApiFixture, type HttpResult } from './support.js';

/** The seed's request body, verbatim (fixtures/seed-001-create-job.json is copied from it unchanged). */
const SEED = JSON.parse(readFileSync(new URL('./fixtures/seed-001-create-job.json', import.meta.url), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:haven/delivery-db-AbCdEf';

/**
 * The seed's example with the two safe substitutions, and nothing else changed.
 *
 * @param bucket - the deployment's vault bucket, for `destination.bucket`
 * @param keyId - the vault key, for `encryption.key_id` (left out when undefined)
 * @param keepConnectionString - leave the seed's connection string in place of the secret
 */
function seedJob(bucket: string, keyId: string | undefined, keepConnectionString = false): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const body = structuredClone(SEED);
  if (!keepConnectionString) {
    const { connection_string: _secret, ...source } = body.source;
    body.source = { ...source, secret_arn: SECRET_ARN };
  }
  body.destination.bucket = bucket;
  if (keyId === undefined) delete body.encryption.key_id;
  else body.encryption.key_id = keyId;
  return body;
}

/** The fields a refusal names: a 400's `details.field`, a 422's `details.fields`. */
function fieldsOf(res: HttpResult): string[] {
  return res.status === 400 ? [res.body.details.field] : res.body.details.fields;
}

describe('API: seed 001 job example', () => {
  let api: ApiFixture;
  let bucket: string;
  let alias: string;
  beforeAll(async () => {
    api = await startApiFixture();
    bucket = api.cloud.bucket;
    alias = await vaultKeyAlias(api);
  });
  afterAll(() => api.close());

  test('with the vault bucket and the vault key alias, the example is accepted (201) and its fields come back as given', async () => {
    // Prepare
    const body = seedJob(bucket, alias);

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.destination, body.destination);
    assert.deepEqual(res.body.source, body.source);
    assert.deepEqual(res.body.encryption, body.encryption);
    assert.deepEqual(res.body.retention, body.retention);
    assert.deepEqual(res.body.verification, body.verification);
    assert.deepEqual(res.body.notifications, body.notifications);
    assert.deepEqual(res.body.compression, body.compression);
    assert.deepEqual([res.body.schedule.frequency, res.body.schedule.time, res.body.schedule.timezone], ['daily', '02:00', 'America/Toronto']);
    assert.match(res.body.next_run, /T0[67]:00:00\.000Z$/, '02:00 in Toronto');
    assert.equal(res.body.created_by, 'admin_123456789');
  });

  test('with the vault bucket and no key_id, the example is accepted (201)', async () => {
    // Prepare
    const body = seedJob(bucket, undefined);

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.encryption.key_id, undefined);
    assert.deepEqual(res.body.destination, body.destination);
  });

  /** Each variant of the accepted example: what it changes, and the answer. */
  const VARIANTS: ReadonlyArray<{ name: string; change: (body: Record<string, any>) => void; status: number; field: string; says: RegExp }> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    { name: "the seed's own bucket (not a vault bucket of this deployment)", change: (b) => (b.destination.bucket = 'delivery-backups'), status: 422, field: 'destination.bucket', says: /not one of the deployment's vault buckets: .*haven/ },
    { name: 'a region that is not the bucket\'s', change: (b) => (b.destination.region = 'eu-west-1'), status: 422, field: 'destination.region', says: /us-east-1, not eu-west-1/ },
    { name: 'a path that climbs out (..)', change: (b) => (b.destination.path = 'database/../daily/'), status: 422, field: 'destination.path', says: /\.\./ },
    { name: 'an encryption Haven does not do', change: (b) => (b.destination.encryption = 'DES'), status: 400, field: 'destination.encryption', says: /AES256/ },
    { name: 'an unknown storage class', change: (b) => (b.destination.storage_class = 'DEEP_ARCHIVE'), status: 400, field: 'destination.storage_class', says: /STANDARD_IA/ },
    { name: 'a key_id that is no key reference', change: (b) => (b.encryption.key_id = 'not a key!'), status: 422, field: 'encryption.key_id', says: /not a KMS key reference/ },
    { name: "the seed's own key_id (an alias name this account does not have)", change: (b) => (b.encryption.key_id = 'backup_key_123456789'), status: 422, field: 'encryption.key_id', says: /no such KMS key/ },
  ];

  for (const variant of VARIANTS) {
    test(`refused: ${variant.name} (${variant.status} naming ${variant.field})`, async () => {
      // Prepare
      const body = seedJob(bucket, alias);
      variant.change(body);

      // Act
      const res = await api.call('POST', '/backup/jobs', body);

      // Assess
      assert.equal(res.status, variant.status, res.text);
      assert.deepEqual(fieldsOf(res), [variant.field], res.text);
      assert.match(res.text, variant.says);
    });
  }

  test("refused: the seed's connection string (422 naming source.connection_string, pointing to secret_arn, not echoed)", async () => {
    // Prepare
    const body = seedJob(bucket, alias, true);

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['source.connection_string']);
    assert.match(res.text, /secret_arn/);
    assert.ok(!res.text.includes('user:pass'), 'the connection string is not echoed');
  });
});
