/** KMS key references: every form of a key's name is read as DescribeKey takes it; garbage and what looks like key material are not references. */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { parseKmsKeyReference } from '../../../control/api/kms-key-id.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`;

describe('parseKmsKeyReference', () => {
  test('a key id, key ARN, alias, alias name without alias/ and alias ARN are references (an ARN keeps its region)', () => {
    // Act
    const parsed = [KEY_ID, KEY_ARN, 'alias/haven-vault', 'backup_key_123456789', 'arn:aws:kms:us-east-2:123456789012:alias/team/orders'].map(parseKmsKeyReference);

    // Assess
    assert.deepEqual(parsed, [
      { keyId: KEY_ID },
      { keyId: KEY_ARN, region: 'eu-west-1' },
      { keyId: 'alias/haven-vault' },
      { keyId: 'alias/backup_key_123456789' },
      { keyId: 'arn:aws:kms:us-east-2:123456789012:alias/team/orders', region: 'us-east-2' },
    ]);
  });

  test('names with words, digits and random-looking suffixes stay names', () => {
    // Act
    const parsed = ['haven-api-6a2b1c-vault', 'ProductionBackupKeyForOrdersService2024', 'orders-prod-2024'].map(parseKmsKeyReference);

    // Assess
    assert.ok(parsed.every((p) => p !== undefined));
  });

  test('garbage, padded base64 and hex key material are not references', () => {
    // Act
    const parsed = ['not a key!', '', 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ8=', randomBytes(32).toString('hex'), `alias/${randomBytes(16).toString('hex')}`].map(parseKmsKeyReference);

    // Assess
    assert.deepEqual(parsed, [undefined, undefined, undefined, undefined, undefined]);
  });

  test('unpadded base64url keys are almost always recognized as key material (fixed sample: 200 keys of 128 and 256 bits)', () => {
    // Prepare
    const keys = Array.from({ length: 200 }, (_, i) => createHash('sha256').update(`key ${i}`).digest().subarray(0, i % 2 === 0 ? 32 : 16).toString('base64url'));

    // Act
    const taken = keys.filter((key) => parseKmsKeyReference(key) !== undefined).length;

    // Assess
    assert.ok(taken <= 10, `${taken} of 200 random keys were read as alias names`);
  });
});
