/**
 * A job's destination and key through the local API (the API function
 * under its synthesized role, IAM enforced): the destination is stored and
 * shown normalized (the vault it selects), a path may not nest in another
 * job's vault, and `encryption.key_id` is looked up with kms:DescribeKey
 * when the job is saved: every form of a reference to the vault key is
 * accepted; an unknown alias, another key, the vault key while disabled,
 * and what is no key reference are refused naming the field (and the key
 * Haven uses), never echoing the value.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../../vault/aws/clients.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { createKey } from '../../helpers/kms.js';
import { uniqueName } from '../../helpers/names.js';
import { jobBody, startApiFixture, vaultKeyAlias, type ApiFixture, type HttpResult } from './support.js';

describe('API: job destination and key', () => {
  let api: ApiFixture;
  let bucket: string;
  let alias: string;
  const table = uniqueName('api-destination');
  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 1);
    bucket = api.cloud.bucket;
    alias = await vaultKeyAlias(api);
  });
  afterAll(() => api.close());

  const create = (overrides: Record<string, unknown>): Promise<HttpResult> => api.call('POST', '/backup/jobs', jobBody(table, overrides));
  const issuesOf = (res: HttpResult): string => JSON.stringify(res.body.details.issues);

  test("a job without a destination is stored with the stack's own bucket's default vault", async () => {
    // Prepare
    const defaultPath = `${api.cloud.vaultUri.slice(`s3://${bucket}/`.length).replace(/\/?$/, '/')}`;

    // Act
    const res = await create({});

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.destination, { type: 'vault', bucket, path: defaultPath, region: 'us-east-1', encryption: 'AES256' });
  });

  test('a destination path is stored normalized (no leading, one trailing /) and read back as stored', async () => {
    // Prepare
    const destination = { type: 'vault', bucket, path: '/teams/orders', storage_class: 'GLACIER_IR' };

    // Act
    const res = await create({ destination });
    const read = await api.call('GET', `/backup/jobs/${res.body.job_id}`);

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.destination, { type: 'vault', bucket, path: 'teams/orders/', region: 'us-east-1', encryption: 'AES256', storage_class: 'GLACIER_IR' });
    assert.deepEqual(read.body.destination, res.body.destination);
  });

  test("a path inside another job's vault is refused (422 naming destination.path)", async () => {
    // Prepare
    const first = await create({ destination: { type: 'vault', bucket, path: 'nested/outer/' } });
    assert.equal(first.status, 201, first.text);

    // Act
    const res = await create({ destination: { type: 'vault', bucket, path: 'nested/outer/inner/' } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['destination.path']);
    assert.match(issuesOf(res), /nest/);
  });

  test('PUT moves a job to another vault path; the response shows it normalized', async () => {
    // Prepare
    const created = await create({ destination: { type: 'vault', bucket, path: 'moves/before/' } });

    // Act
    const res = await api.call('PUT', `/backup/jobs/${created.body.job_id}`, { destination: { type: 's3', bucket, path: 'moves/after' } });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.destination, { type: 's3', bucket, path: 'moves/after/', region: 'us-east-1', encryption: 'AES256' });
  });

  /** Every way of naming the vault key. */
  const KEY_FORMS: ReadonlyArray<[string, () => string]> = [
    ['its alias', () => alias],
    ['its alias name without alias/', () => alias.slice('alias/'.length)],
    ['its alias ARN', () => api.cloud.kmsKeyArn.replace(/key\/.*$/, alias)],
    ['its key ARN', () => api.cloud.kmsKeyArn],
    ['its key id', () => api.cloud.kmsKeyArn.split('/').pop()!],
  ];
  for (const [form, keyId] of KEY_FORMS) {
    test(`the vault key named by ${form} is accepted (201) and stored as given`, async () => {
      // Act
      const res = await create({ encryption: { enabled: true, algorithm: 'AES-256', key_id: keyId() } });

      // Assess
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.encryption.key_id, keyId());
    });
  }

  test('an alias the account does not have is refused: 422 "no such KMS key", naming the key Haven uses', async () => {
    // Act
    const res = await create({ encryption: { key_id: 'alias/no-such-haven-key' } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['encryption.key_id']);
    assert.match(issuesOf(res), /no such KMS key/);
    assert.ok(issuesOf(res).includes(api.cloud.kmsKeyArn));
  });

  test('another key of the account is refused: 422 "not usable by Haven", naming the key Haven uses', async () => {
    // Prepare
    const other = await createKey('not the vault key');

    // Act
    const res = await create({ encryption: { key_id: other } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['encryption.key_id']);
    assert.match(issuesOf(res), /not usable by Haven/);
    assert.ok(issuesOf(res).includes(`Haven uses ${api.cloud.kmsKeyArn}`));
  });

  test('the vault key while disabled is refused: 422 "not usable by Haven", saying it is Disabled', async () => {
    // Prepare
    const keyId = api.cloud.kmsKeyArn.split('/').pop()!;
    await kmsClient().send(new DisableKeyCommand({ KeyId: keyId }));

    // Act
    const res = await create({ encryption: { key_id: alias } }).finally(() => kmsClient().send(new EnableKeyCommand({ KeyId: keyId })));

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['encryption.key_id']);
    assert.match(issuesOf(res), /not usable by Haven: the key is Disabled/);
  });

  test('key material is refused as "not a KMS key reference", never mentioning key material or echoing it', async () => {
    // Prepare
    const material = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

    // Act
    const res = await create({ encryption: { key_id: material } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.fields, ['encryption.key_id']);
    assert.match(issuesOf(res), /not a KMS key reference/);
    assert.doesNotMatch(res.text, /material/);
    assert.ok(!res.text.includes(material));
  });

  test('PUT of a key that does not exist is refused (422) and changes nothing', async () => {
    // Prepare
    const created = await create({ encryption: { key_id: alias } });

    // Act
    const res = await api.call('PUT', `/backup/jobs/${created.body.job_id}`, { encryption: { key_id: 'alias/no-such-haven-key' } });

    // Assess
    assert.equal(res.status, 422, res.text);
    assert.match(issuesOf(res), /no such KMS key/);
    assert.equal((await api.call('GET', `/backup/jobs/${created.body.job_id}`)).body.encryption.key_id, alias);
  });
});
