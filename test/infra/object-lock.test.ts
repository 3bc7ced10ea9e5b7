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
  // Act
  const check = () =>
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });

  // Assess
  assert.doesNotThrow(check);
});

test('Object Lock locks only the vault bucket, never the access-log bucket', () => {
  // Act
  const locked = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });

  // Assess
  assert.equal(Object.keys(locked).length, 1);
});

function contextOf(values: Record<string, unknown>) {
  return new App({ context: values }).node;
}

test('readHavenContext: nothing set leaves Object Lock off', () => {
  // Act
  const context = readHavenContext(contextOf({}));

  // Assess
  assert.deepEqual(context, {});
});

test('readHavenContext: accepts any case and numeric strings (as -c passes them)', () => {
  // Act
  const strings = readHavenContext(contextOf({ 'haven:objectLockMode': 'governance', 'haven:objectLockDays': '7' }));
  const numbers = readHavenContext(contextOf({ 'haven:objectLockMode': 'COMPLIANCE', 'haven:objectLockDays': 365 }));

  // Assess
  assert.deepEqual(strings, { objectLock: { mode: 'GOVERNANCE', days: 7 } });
  assert.deepEqual(numbers, { objectLock: { mode: 'COMPLIANCE', days: 365 } });
});

test('readHavenContext: rejects half a pair and malformed values with InvalidContextError', () => {
  // Prepare
  const cases: [Record<string, unknown>, string][] = [
    [{ 'haven:objectLockMode': 'GOVERNANCE' }, 'haven:objectLockDays'],
    [{ 'haven:objectLockDays': 7 }, 'haven:objectLockMode'],
    [{ 'haven:objectLockMode': 'LEGAL_HOLD', 'haven:objectLockDays': 7 }, 'haven:objectLockMode'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 0 }, 'haven:objectLockDays'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': '1.5' }, 'haven:objectLockDays'],
    [{ 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 'ten' }, 'haven:objectLockDays'],
  ];
  for (const [context, key] of cases) {
    // Act
    const read = () => readHavenContext(contextOf(context));

    // Assess
    assert.throws(
      read,
      (error: unknown) => error instanceof InvalidContextError && error instanceof HavenInfraError && error.key === key,
      JSON.stringify(context),
    );
  }
});

/** A stack of its own with a KMS key, to put vault buckets in. */
function lockProbe() {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'LockProbe');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  return { stack, key };
}

test('VaultBucket: GOVERNANCE mode', () => {
  // Prepare
  const { stack, key } = lockProbe();

  // Act
  new VaultBucket(stack, 'Vault', { encryptionKey: key, objectLock: { mode: 'GOVERNANCE', days: 1 } });

  // Assess
  Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
    ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
  });
});

test('VaultBucket: invalid Object Lock props are rejected', () => {
  // Prepare
  const { stack, key } = lockProbe();

  // Act
  const bucket = () => new VaultBucket(stack, 'Bad', { encryptionKey: key, objectLock: { mode: 'GOVERNANCE', days: 0 } });

  // Assess
  assert.throws(bucket, InvalidPropsError);
});
