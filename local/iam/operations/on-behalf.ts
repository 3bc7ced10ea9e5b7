/**
 * The KMS calls AWS services make on the caller's behalf, authorized
 * against the caller (with `kms:ViaService` set to the service):
 *
 * - S3 objects in an SSE-KMS bucket: writing needs `kms:GenerateDataKey`,
 *   reading and multipart parts need `kms:Decrypt`, with
 *   `kms:EncryptionContext:aws:s3:arn` = the bucket ARN (Haven's vault
 *   bucket uses an S3 Bucket Key, whose context is the bucket; without a
 *   bucket key AWS uses the object ARN).
 * - DynamoDB tables under a customer-managed key: every data-plane call
 *   needs `kms:Decrypt`.
 * - Secrets Manager secrets under a customer-managed key: reading the
 *   value needs `kms:Decrypt`, writing one `kms:GenerateDataKey`, with
 *   `kms:EncryptionContext:SecretARN`.
 */
import { Arn, tableOfArn } from '../arns.js';
import { Service, viaService } from '../services.js';
import type { AuthorizationRequest } from '../types.js';
import { kmsAuthorization, resolveKey } from './kms-keys.js';
import type { OperationInput } from './rule.js';

/** What the service asks KMS for. */
export const KmsUseKind = { GenerateDataKey: 'GenerateDataKey', Decrypt: 'Decrypt' } as const;
export type KmsUseKind = (typeof KmsUseKind)[keyof typeof KmsUseKind];

/** The S3 server-side encryption value that means "S3-managed keys, not KMS". */
const SSE_S3 = 'AES256';

/**
 * S3's KMS call for an object in `bucket`, or none when the bucket is not
 * SSE-KMS. A write may name its own key (`x-amz-server-side-encryption-aws-kms-key-id`)
 * or ask for SSE-S3 instead.
 */
export function s3Kms(input: OperationInput, bucket: string, use: KmsUseKind, request?: { sse?: string; keyId?: string }): AuthorizationRequest[] {
  if (request?.sse === SSE_S3 && !request.keyId) return [];
  const keyId = request?.keyId ?? input.world.bucketKeys.get(bucket);
  if (!keyId) return [];
  return [
    kmsAuthorization(use, resolveKey(input, keyId), input, {
      viaService: viaService(Service.S3, input.scope.region),
      encryptionContext: { 'aws:s3:arn': Arn.bucket(bucket) },
    }),
  ];
}

/** DynamoDB's `kms:Decrypt` for each table (ARN) under a customer-managed key. */
export function dynamoDbKms(input: OperationInput, tableArns: readonly string[]): AuthorizationRequest[] {
  const out: AuthorizationRequest[] = [];
  for (const table of new Set(tableArns.map((arn) => tableOfArn(arn) ?? arn))) {
    const keyArn = input.world.tableKeys.get(table);
    if (!keyArn) continue;
    out.push(
      kmsAuthorization(KmsUseKind.Decrypt, resolveKey(input, keyArn), input, {
        viaService: viaService(Service.DynamoDB, input.scope.region),
        encryptionContext: { 'aws:dynamodb:tableName': table, 'aws:dynamodb:subscriberId': input.scope.accountId },
      }),
    );
  }
  return out;
}

/** Secrets Manager's KMS call for a secret under a customer-managed key. */
export function secretKms(input: OperationInput, secretArn: string, use: KmsUseKind): AuthorizationRequest[] {
  const keyArn = input.world.secretKeys.get(secretArn);
  if (!keyArn) return [];
  return [
    kmsAuthorization(use, resolveKey(input, keyArn), input, {
      viaService: viaService(Service.SecretsManager, input.scope.region),
      encryptionContext: { SecretARN: secretArn },
    }),
  ];
}
