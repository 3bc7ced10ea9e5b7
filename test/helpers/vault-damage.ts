/**
 * Damages vault packs in the emulator the way a bad disk, a bad copy or an
 * attacker would, and undoes it by deleting the versions the damage added
 * (the vault bucket is versioned), so the original version is current again.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type PutObjectCommandOutput } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { packKey } from '../../vault/pack/pack-builder.js';

/** Ways to damage a pack. */
export const Damage = { FlipByte: 'flipped byte', Truncate: 'truncated', Delete: 'missing' } as const;
export type Damage = (typeof Damage)[keyof typeof Damage];

/**
 * Damages one pack of the vault at `s3://bucket/vault`.
 *
 * @returns a function that undoes the damage
 */
export async function damagePack(bucket: string, packId: string, damage: Damage): Promise<() => Promise<void>> {
  const key = `vault/${packKey(packId)}`;
  const client = s3Client();
  let out: PutObjectCommandOutput | { VersionId?: string };
  if (damage === Damage.Delete) {
    out = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } else {
    const body = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
    const bytes = Buffer.from(body);
    const damaged = damage === Damage.FlipByte ? Buffer.from(bytes.map((b, i) => (i === Math.floor(bytes.length / 3) ? b ^ 0x01 : b))) : bytes.subarray(0, bytes.length - 100);
    out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: damaged }));
  }
  const versionId = out.VersionId;
  if (!versionId) throw new Error('the vault bucket must be versioned to undo damage');
  return async () => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })));
}
