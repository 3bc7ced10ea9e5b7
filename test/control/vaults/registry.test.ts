import { test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../../control/env.js';
import { toApiError } from '../../../control/api/error-mapping.js';
import { ValidationFailedError } from '../../../control/api/errors.js';
import { InvalidDestinationError, InvalidVaultSettingsError, UnknownVaultError } from '../../../control/vaults/errors.js';
import { VaultRegistry } from '../../../control/vaults/registry.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/primary';
const OTHER_KEY = 'arn:aws:kms:eu-central-1:111122223333:key/other';
const OTHER = { bucket: 'haven-eu', region: 'eu-central-1', default_prefix: 'vault/', kms_key_arn: OTHER_KEY, storage_class: 'STANDARD_IA' };

function registry(extra: unknown[] = [OTHER]): VaultRegistry {
  return VaultRegistry.fromEnv({
    [HavenEnv.VaultUri]: 's3://haven-vault/vault',
    [HavenEnv.KmsKeyId]: KEY,
    [HavenEnv.ObjectLockMode]: 'GOVERNANCE',
    [HavenEnv.VaultBuckets]: JSON.stringify(extra),
    AWS_REGION: 'eu-west-1',
  });
}

/** The error a call throws. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return assert.fail('expected the call to throw');
}

test('fromEnv reads the primary bucket from the vault URI, key, Object Lock mode and region, and the others from HAVEN_VAULT_BUCKETS', () => {
  // Prepare
  const env = registry();

  // Act
  const buckets = env.buckets();

  // Assess
  assert.deepEqual(buckets, [
    { bucket: 'haven-vault', region: 'eu-west-1', defaultPrefix: 'vault/', kmsKeyId: KEY, primary: true, objectLockMode: 'GOVERNANCE' },
    { bucket: 'haven-eu', region: 'eu-central-1', defaultPrefix: 'vault/', kmsKeyId: OTHER_KEY, primary: false, storageClass: 'STANDARD_IA' },
  ]);
});

test('fromEnv without HAVEN_VAULT_BUCKETS knows the primary bucket alone', () => {
  // Prepare
  const env = { [HavenEnv.VaultUri]: 's3://haven-vault/vault', [HavenEnv.KmsKeyId]: KEY, AWS_REGION: 'eu-west-1' };

  // Act
  const buckets = VaultRegistry.fromEnv(env).buckets();

  // Assess
  assert.deepEqual(buckets.map((b) => b.bucket), ['haven-vault']);
});

test('fromEnv refuses a malformed HAVEN_VAULT_BUCKETS entry, naming it', () => {
  // Prepare
  const bad = [{ ...OTHER, storage_class: 'DEEP_ARCHIVE' }];

  // Act
  const error = thrown(() => registry(bad));

  // Assess
  assert.ok(error instanceof InvalidVaultSettingsError);
  assert.match(error.message, /HAVEN_VAULT_BUCKETS\[0\]\.storage_class/);
});

test('the primary vault is the primary bucket\'s default prefix', () => {
  // Prepare
  const env = registry();

  // Act
  const primary = env.primary();

  // Assess
  assert.equal(primary.uri, 's3://haven-vault/vault/');
  assert.equal(primary.prefix, 'vault/');
  assert.equal(primary.bucket.primary, true);
});

test('a destination without bucket or path resolves to the primary vault', () => {
  // Prepare
  const env = registry();

  // Act
  const location = env.resolve({});

  // Assess
  assert.equal(location.uri, env.primary().uri);
});

test('a destination path selects a vault under that prefix of the bucket, normalized', () => {
  // Prepare
  const env = registry();

  // Act
  const location = env.resolve({ bucket: 'haven-eu', region: 'eu-central-1', path: '/team-a/prod' });

  // Assess
  assert.equal(location.uri, 's3://haven-eu/team-a/prod/');
  assert.equal(location.prefix, 'team-a/prod/');
  assert.equal(location.bucket.kmsKeyId, OTHER_KEY);
});

test('a destination path equal to the default prefix is the default vault', () => {
  // Prepare
  const env = registry();

  // Act
  const location = env.resolve({ bucket: 'haven-vault', path: 'vault' });

  // Assess
  assert.equal(location.uri, env.primary().uri);
});

test('an unknown bucket is refused naming destination.bucket and listing the deployment\'s buckets', () => {
  // Prepare
  const env = registry();

  // Act
  const error = thrown(() => env.resolve({ bucket: 'someone-elses' }));

  // Assess
  assert.ok(error instanceof InvalidDestinationError);
  assert.equal(error.details.field, 'destination.bucket');
  assert.match(error.details.issue, /haven-vault, haven-eu/);
});

test('a region that is not the bucket\'s is refused naming destination.region', () => {
  // Prepare
  const env = registry();

  // Act
  const error = thrown(() => env.resolve({ bucket: 'haven-eu', region: 'us-east-1' }));

  // Assess
  assert.ok(error instanceof InvalidDestinationError);
  assert.equal(error.details.field, 'destination.region');
});

test('paths that nest with the default vault or another vault, or are malformed, are refused naming destination.path', () => {
  // Prepare
  const env = registry();
  const paths = ['vault/team-a', 'team-a/../x', 'a//b', 'team-*', 'x'.repeat(513), 'team-a/data'];

  // Act
  const errors = paths.map((path) => thrown(() => env.resolve({ path }, ['s3://haven-vault/team-a/'])));

  // Assess
  for (const [i, error] of errors.entries()) {
    assert.ok(error instanceof InvalidDestinationError, paths[i]);
    assert.equal(error.details.field, 'destination.path', paths[i]);
  }
});

test('in a bucket whose default vault is at its root, a path may not start with one of the vault\'s folders', () => {
  // Prepare
  const env = registry([{ ...OTHER, default_prefix: '' }]);

  // Act
  const refused = thrown(() => env.resolve({ bucket: 'haven-eu', path: 'data/x' }));
  const accepted = env.resolve({ bucket: 'haven-eu', path: 'team-a' });

  // Assess
  assert.ok(refused instanceof InvalidDestinationError);
  assert.equal(accepted.uri, 's3://haven-eu/team-a/');
});

test('the API answers a refused destination with a 422 naming the field', () => {
  // Prepare
  const error = thrown(() => registry().resolve({ bucket: 'nope' }));

  // Act
  const answer = toApiError(error);

  // Assess
  assert.ok(answer instanceof ValidationFailedError);
  assert.equal(answer.status, 422);
  assert.deepEqual((answer.details as { fields?: string[] }).fields, ['destination.bucket']);
});

test('locate finds the bucket and prefix of a recorded vault URI, with or without its trailing slash', () => {
  // Prepare
  const env = registry();

  // Act
  const located = [env.locate('s3://haven-eu/team-a/'), env.locate('s3://haven-vault/vault')];

  // Assess
  assert.deepEqual(located.map((l) => [l.uri, l.bucket.bucket]), [['s3://haven-eu/team-a/', 'haven-eu'], ['s3://haven-vault/vault/', 'haven-vault']]);
});

test('locate refuses a vault URI in a bucket the deployment does not know', () => {
  // Prepare
  const env = registry();

  // Act
  const error = thrown(() => env.locate('s3://gone-bucket/vault/'));

  // Assess
  assert.ok(error instanceof UnknownVaultError);
});

test('a backup without a recorded vault is in the primary vault', () => {
  // Prepare
  const env = registry();

  // Act
  const location = env.vaultOf(undefined);

  // Assess
  assert.equal(location.uri, 's3://haven-vault/vault/');
});

test('an offline vault directory is the primary bucket, and a path is a subdirectory', () => {
  // Prepare
  const env = VaultRegistry.fromEnv({ [HavenEnv.VaultUri]: 'file:///tmp/haven-vault', [HavenEnv.KeyFile]: '/tmp/key' });

  // Act
  const [primary, team] = [env.primary(), env.resolve({ path: 'team-a' })];

  // Assess
  assert.equal(primary.uri, 'file:///tmp/haven-vault/');
  assert.equal(team.uri, 'file:///tmp/haven-vault/team-a/');
  assert.equal(env.locate(team.uri).prefix, 'team-a/');
});
