/**
 * The API function's KMS grants: kms:DescribeKey (metadata only) on the
 * account's keys in the stack's region, to check a job's encryption.key_id
 * when it is saved, and nothing else besides decrypting with the vault and
 * catalog keys.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { synthHaven, TEST_ENV } from './support/haven-app.js';
import { permissionsOf } from './support/template.js';

test("API role: kms:DescribeKey on the account's keys in the stack's region only; no other KMS action but Decrypt on the vault and catalog keys", () => {
  // Prepare
  const { template } = synthHaven();
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'Haven API: every route of the REST API' } }))[0] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };

  // Act
  const kms = permissionsOf(template, fn.Properties.Role['Fn::GetAtt'][0]).filter((p) => p.startsWith('kms:'));

  // Assess
  assert.deepEqual(
    kms.filter((p) => p.startsWith('kms:DescribeKey')),
    [`kms:DescribeKey on arn:aws:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/*`],
  );
  assert.deepEqual([...new Set(kms.map((p) => p.split(' ')[0]))].sort(), ['kms:Decrypt', 'kms:DescribeKey']);
  assert.ok(kms.filter((p) => p.startsWith('kms:Decrypt')).every((p) => /^kms:Decrypt on <(VaultKey|CatalogKey)/.test(p)), 'decrypts with the vault and catalog keys only');
});
