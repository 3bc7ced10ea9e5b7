/** Object Lock on the vault bucket, driven by context, and the context parser itself. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import { VaultBucket } from '../../infra/constructs/vault-bucket.js';
import { HavenInfraError, InvalidContextError, InvalidPropsError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';

const { template } = synthHaven({
  context: { [HavenContextKey.ObjectLockMode]: 'COMPLIANCE', [HavenContextKey.ObjectLockDays]: '30' },
});

test('context haven:objectLockMode + haven:objectLockDays turn Object Lock on with default retention', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    ObjectLockEnabled: true,
    ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
    VersioningConfiguration: { Status: 'Enabled' },
  });
  // Only the vault bucket is locked, never the access-log bucket.
  assert.equal(Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })).length, 1);
});

function contextOf(values: Record<string, unknown>) {
  return new App({ context: values }).node;
}

test('readHavenContext: nothing set leaves Object Lock off', () => {
  assert.deepEqual(readHavenContext(contextOf({})), {});
});

test('readHavenContext: accepts any case and numeric strings (as -c passes them)', () => {
  assert.deepEqual(readHavenContext(contextOf({ 'haven:objectLockMode': 'governance', 'haven:objectLockDays': '7' })), {
    objectLock: { mode: 'GOVERNANCE', days: 7 },
  });
  assert.deepEqual(readHavenContext(contextOf({ 'haven:objectLockMode': 'COMPLIANCE', 'haven:objectLockDays': 365 })), {
    objectLock: { mode: 'COMPLIANCE', days: 365 },
  });
});

test('readHavenContext: rejects half a pair and malformed values with InvalidContextError', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ 'haven:objectLockMode': 'GOVERNANCE' }, 'haven:objectLockDays'],
    [{ 'haven:objectLockDays': 7 }, 'haven:objectLockMode'],
    [{ 'haven:objectLockMode': 'LEGAL_HOLD', 'haven:objectLockDays': 7 }, 'haven:objectLockMode'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 0 }, 'haven:objectLockDays'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': '1.5' }, 'haven:objectLockDays'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 'ten' }, 'haven:objectLockDays'],
  ];
  for (const [context, key] of cases) {
    assert.throws(
      () => readHavenContext(contextOf(context)),
      (error: unknown) => error instanceof InvalidContextError && error instanceof HavenInfraError && error.key === key,
      JSON.stringify(context),
    );
  }
});

test('VaultBucket: GOVERNANCE mode, and invalid props rejected', () => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'LockProbe');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new VaultBucket(stack, 'Vault', { encryptionKey: key, objectLock: { mode: 'GOVERNANCE', days: 1 } });
  Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
    ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
  });
  assert.throws(() => new VaultBucket(stack, 'Bad', { encryptionKey: key, objectLock: { mode: 'GOVERNANCE', days: 0 } }), InvalidPropsError);
});
