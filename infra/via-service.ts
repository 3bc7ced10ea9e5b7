/**
 * `kms:ViaService` conditions: a statement that lets a role use a KMS key
 * only through the AWS services named (DynamoDB decrypting a table's data
 * key, S3 an SSE-KMS object, Secrets Manager a secret, SNS a message to an encrypted topic), never by calling
 * KMS itself.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The services Haven lets use a key on its functions' behalf. */
export const KeyService = {
  DynamoDB: 'dynamodb',
  S3: 's3',
  SecretsManager: 'secretsmanager',
  SNS: 'sns',
} as const;
export type KeyService = (typeof KeyService)[keyof typeof KeyService];

/**
 * The condition block limiting a key statement to some services in the
 * stack's region (`<service>.<region>.<url suffix>`).
 *
 * @param scope - any construct of the stack
 * @param services - the services, at least one
 * @returns `{ StringEquals: { 'kms:ViaService': [...] } }` (one value as a string)
 */
export function viaService(scope: IConstruct, services: readonly KeyService[]): Record<string, Record<string, string | string[]>> {
  const stack = Stack.of(scope);
  const values = [...new Set(services)].sort().map((service) => `${service}.${stack.region}.${stack.urlSuffix}`);
  return { StringEquals: { 'kms:ViaService': values.length === 1 ? values[0]! : values } };
}
