/**
 * Creates what a deployment would own, in the emulator: the vault bucket,
 * the vault KMS key and the catalog table (same keys and GSIs as
 * infra/constructs/catalog-table.ts).
 */
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand } from '@aws-sdk/client-s3';
import { dynamoDbClient, kmsClient, s3Client } from '../../engine/aws/clients.js';

/** Creates a versioned bucket. */
export async function createBucket(name: string): Promise<void> {
  await s3Client().send(new CreateBucketCommand({ Bucket: name }));
  await s3Client().send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
}

/** Creates a versioned bucket with S3 Object Lock on, with a default retention when `defaultDays` is given. */
export async function createLockedBucket(name: string, mode: 'GOVERNANCE' | 'COMPLIANCE', defaultDays?: number): Promise<void> {
  await s3Client().send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: true }));
  await s3Client().send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  if (defaultDays !== undefined) {
    await s3Client().send(
      new PutObjectLockConfigurationCommand({
        Bucket: name,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: defaultDays } } },
      }),
    );
  }
}

/** Creates a symmetric KMS key; returns its ARN. */
export async function createKey(description: string): Promise<string> {
  const out = await kmsClient().send(new CreateKeyCommand({ Description: description, KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
  return out.KeyMetadata!.Arn!;
}

/** Creates the catalog table: `pk`/`sk`, GSIs `gsi1` and `gsi2`, on demand. */
export async function createCatalogTable(name: string): Promise<void> {
  const client = dynamoDbClient();
  const gsi = (n: 1 | 2) => ({
    IndexName: `gsi${n}`,
    KeySchema: [
      { AttributeName: `gsi${n}pk`, KeyType: 'HASH' as const },
      { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
      GlobalSecondaryIndexes: [gsi(1), gsi(2)],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name });
}
