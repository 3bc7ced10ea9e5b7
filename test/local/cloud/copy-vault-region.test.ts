/**
 * A copy vault in a second region of the local cloud: the copy vault stack
 * (infra/copy-vault-stack.ts) provisioned in eu-west-1, the Haven stack
 * synthesized with it in `haven:vaultBuckets`, and the functions' calls on
 * it authorized by the IAM proxy against their own policies and the copy
 * vault's bucket and key policies.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { DescribeKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketLocationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import { HavenEnv } from '../../../control/env.js';
import { parseVaultBuckets } from '../../../control/vaults/registry.js';
import { kmsClient, s3Client } from '../../../vault/aws/clients.js';

const REGION_B = 'eu-west-1';

describe('a copy vault in a second region', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ name: 'copyregion', copyVaults: [{ region: REGION_B }] });
  });
  afterAll(() => cloud.close());

  /** Clients signed for region B as one of the deployment's roles, through the IAM proxy. */
  function asRole(pathSuffix: string): { s3: S3Client; kms: KMSClient } {
    const credentials = { accessKeyId: cloud.fn(pathSuffix).roleName, secretAccessKey: 'local', sessionToken: 'local' };
    return {
      s3: new S3Client({ region: REGION_B, endpoint: cloud.proxyUrl, forcePathStyle: true, credentials, maxAttempts: 1 }),
      kms: new KMSClient({ region: REGION_B, endpoint: cloud.proxyUrl, credentials, maxAttempts: 1 }),
    };
  }

  test('its bucket is in region B and its key answers only in region B', async () => {
    // Prepare
    const [copy] = cloud.copyVaults;

    // Act
    const location = await s3Client().send(new GetBucketLocationCommand({ Bucket: copy!.bucket }));
    const inB = await kmsClient({ region: REGION_B }).send(new DescribeKeyCommand({ KeyId: copy!.kmsKeyArn }));
    const inA = kmsClient().send(new DescribeKeyCommand({ KeyId: copy!.kmsKeyArn.slice(copy!.kmsKeyArn.lastIndexOf('/') + 1) }));

    // Assess
    assert.equal(location.LocationConstraint, REGION_B);
    assert.ok(copy!.kmsKeyArn.startsWith(`arn:aws:kms:${REGION_B}:`), copy!.kmsKeyArn);
    assert.equal(inB.KeyMetadata?.Enabled, true);
    await assert.rejects(inA, (error: Error) => error.name === 'NotFoundException');
  });

  test("the Haven stack's functions name it in HAVEN_VAULT_BUCKETS with its region and key", () => {
    // Prepare
    const [copy] = cloud.copyVaults;

    // Act
    const buckets = parseVaultBuckets(cloud.fn('Backup/ExportPartition').environment[HavenEnv.VaultBuckets]);

    // Assess
    assert.deepEqual(buckets, [{ bucket: copy!.bucket, region: REGION_B, defaultPrefix: 'vault/', kmsKeyId: copy!.kmsKeyArn, primary: false }]);
  });

  test('a function whose policy writes the vault writes a pack into it in region B, its key wrapping data keys', async () => {
    // Prepare
    const [copy] = cloud.copyVaults;
    const writer = asRole('Backup/ExportPartition');

    // Act
    const put = await writer.s3.send(new PutObjectCommand({ Bucket: copy!.bucket, Key: 'vault/data/00/region-b-pack', Body: 'pack' }));
    const dataKey = await writer.kms.send(new GenerateDataKeyCommand({ KeyId: copy!.kmsKeyArn, KeySpec: 'AES_256' }));

    // Assess
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.equal(dataKey.KeyId, copy!.kmsKeyArn);
    assert.deepEqual(cloud.denials, []);
  });

  test('a function whose policy only reads the vault is denied a write to it', async () => {
    // Prepare
    const [copy] = cloud.copyVaults;
    const reader = asRole('Restore/Validate');
    const denialsBefore = cloud.denials.length;

    // Act
    const put = await reader.s3.send(new PutObjectCommand({ Bucket: copy!.bucket, Key: 'vault/data/00/not-allowed', Body: 'x' })).catch((error: Error) => error);
    const dataKey = await reader.kms.send(new GenerateDataKeyCommand({ KeyId: copy!.kmsKeyArn, KeySpec: 'AES_256' })).catch((error: Error) => error);

    // Assess
    assert.equal((put as Error).name, 'AccessDenied');
    assert.equal((dataKey as Error).name, 'AccessDeniedException');
    assert.deepEqual(
      cloud.denials.slice(denialsBefore).map((d) => d.decision.denied?.request.action),
      ['s3:PutObject', 'kms:GenerateDataKey'],
    );
  });
});
