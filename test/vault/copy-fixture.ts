/**
 * Vaults in two emulated regions for the copy tests: a bucket and a KMS key
 * created in each region, and clients that talk to that region.
 */
import { CreateBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient, s3Client } from '../../vault/aws/clients.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { Vault } from '../../vault/repository/vault.js';
import type { ObjectStore, PutOptions } from '../../vault/storage/object-store.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import { uniqueName } from '../helpers/names.js';

/** The two regions the copy tests use. */
export const REGIONS = { primary: 'us-east-1', copy: 'eu-west-1' } as const;

/** A bucket and a KMS key in one region, with clients for that region. */
export interface RegionalPlace {
  region: string;
  bucket: string;
  keyArn: string;
  store(prefix?: string): S3ObjectStore;
  provider(): KmsKeyProvider;
}

/** Creates a bucket (with its location constraint) and a KMS key in `region`. */
export async function regionalPlace(region: string, name: string): Promise<RegionalPlace> {
  const bucket = uniqueName(name);
  const s3 = s3Client({ region });
  const kms = kmsClient({ region });
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }) }));
  const key = await kms.send(new CreateKeyCommand({ Description: `${name} vault key`, KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
  const keyArn = key.KeyMetadata!.Arn!;
  return {
    region,
    bucket,
    keyArn,
    store: (prefix = 'vault') => new S3ObjectStore(bucket, prefix, { client: s3 }),
    provider: () => new KmsKeyProvider(keyArn, { client: kms }),
  };
}

/** Small packs, so a few MiB make several of them. */
export const TEST_PACK_SIZE = 1024 * 1024;

/** A new vault in a place. */
export async function initVaultIn(place: RegionalPlace): Promise<Vault> {
  return Vault.init(place.store(), place.provider(), { chunker: { ...DEFAULT_CHUNKER_PARAMS }, packSize: TEST_PACK_SIZE });
}

/**
 * A store that fails on purpose: it injects a fault (a thrown error) into the
 * `failOnPut`-th write of a pack, as a crash or a lost connection would, and
 * passes everything else to the real store.
 */
export class FaultyStore implements ObjectStore {
  private packPuts = 0;

  constructor(
    private readonly inner: ObjectStore,
    private readonly failOnPut: number,
  ) {}

  get uri(): string {
    return this.inner.uri;
  }

  async put(key: string, body: Uint8Array, options?: PutOptions): Promise<void> {
    if (key.startsWith('data/') && ++this.packPuts === this.failOnPut) throw new Error('injected fault: the copy stops here');
    return this.inner.put(key, body, options);
  }

  get(...args: Parameters<ObjectStore['get']>) {
    return this.inner.get(...args);
  }

  head(key: string) {
    return this.inner.head(key);
  }

  list(prefix: string) {
    return this.inner.list(prefix);
  }

  delete(key: string) {
    return this.inner.delete(key);
  }
}
