/**
 * KMS operations → the authorizations AWS makes (the KMS part of Haven's
 * operation map): always on the key ARN, aliases resolved through the world.
 * Decrypt may omit KeyId; the key then comes from the ciphertext blob (moto's
 * format, see moto-ciphertext.ts).
 */
import { Arn } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import { motoCiphertextKeyId } from '../moto-ciphertext.js';
import { kmsAuthorization, resolveKey, type ResolvedKey } from './kms-keys.js';
import { authorization, optional, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

const encryptionContext = (input: OperationInput) => input.params.EncryptionContext as Record<string, string> | undefined;

/** A cryptographic or key-management action on the request's `KeyId`. */
const onKey =
  (action: string): OperationRule =>
  (input) => [
    kmsAuthorization(action, resolveKey(input, required(input, 'KeyId')), input, {
      encryptionContext: encryptionContext(input),
      encryptionAlgorithm: optional(input, 'EncryptionAlgorithm'),
    }),
  ];

function decryptKey(input: OperationInput): ResolvedKey {
  const keyId = optional(input, 'KeyId');
  if (keyId) return resolveKey(input, keyId);
  const fromBlob = motoCiphertextKeyId(required(input, 'CiphertextBlob'));
  if (!fromBlob) throw new MissingParameterError(input.operation, 'KeyId (the ciphertext blob names no key)');
  return resolveKey(input, fromBlob);
}

/** The KMS entries of the operation map. */
export const KMS_RULES: ServiceRules = {
  GenerateDataKey: onKey('GenerateDataKey'),
  GenerateDataKeyWithoutPlaintext: onKey('GenerateDataKeyWithoutPlaintext'),
  Encrypt: onKey('Encrypt'),
  Decrypt: (input) => [
    kmsAuthorization('Decrypt', decryptKey(input), input, {
      encryptionContext: encryptionContext(input),
      encryptionAlgorithm: optional(input, 'EncryptionAlgorithm'),
    }),
  ],
  DescribeKey: onKey('DescribeKey'),
  GetKeyPolicy: onKey('GetKeyPolicy'),
  PutKeyPolicy: onKey('PutKeyPolicy'),
  EnableKeyRotation: onKey('EnableKeyRotation'),
  ScheduleKeyDeletion: onKey('ScheduleKeyDeletion'),
  CreateKey: () => [authorization('kms:CreateKey', '*')],
  ListKeys: () => [authorization('kms:ListKeys', '*')],
  ListAliases: () => [authorization('kms:ListAliases', '*')],
  CreateAlias: (input) => {
    const alias = required(input, 'AliasName');
    return [
      authorization('kms:CreateAlias', Arn.alias(input.scope, alias)),
      authorization('kms:CreateAlias', resolveKey(input, required(input, 'TargetKeyId')).keyArn),
    ];
  },
};
