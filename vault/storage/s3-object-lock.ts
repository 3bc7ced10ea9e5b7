/**
 * Object Lock on an S3 vault: HeadObject reads a version's retention (its
 * `x-amz-object-lock-*` headers, which S3 returns to callers allowed
 * `s3:GetObjectRetention`), PutObjectRetention extends it. Moto answers
 * both (and has no GetObjectRetention), so this is what the tests exercise.
 */
import { HeadObjectCommand, PutObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../aws/clients.js';
import { ObjectNotFoundError } from './errors.js';
import { LockMode, type ObjectLocker, type ObjectRetention } from './object-lock.js';
import { mapS3Error } from './s3-errors.js';
import { normalizePrefix } from './s3-store.js';

/** Object Lock of the objects under one prefix of a bucket. */
export class S3ObjectLocker implements ObjectLocker {
  private readonly prefix: string;

  /**
   * @param bucket - the vault bucket
   * @param prefix - the vault's key prefix
   * @param mode - the mode new retention dates are set in
   */
  constructor(
    readonly bucket: string,
    prefix: string,
    readonly mode: LockMode,
    private readonly client: S3Client = s3Client(),
  ) {
    this.prefix = normalizePrefix(prefix);
  }

  /** @inheritdoc */
  async retention(key: string): Promise<ObjectRetention | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      if (!out.ObjectLockRetainUntilDate || (out.ObjectLockMode !== LockMode.Governance && out.ObjectLockMode !== LockMode.Compliance)) return undefined;
      return { mode: out.ObjectLockMode, until: new Date(out.ObjectLockRetainUntilDate) };
    } catch (error) {
      const mapped = mapS3Error(error, { bucket: this.bucket, key: this.prefix + key, relativeKey: key, operation: 'HeadObject' });
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  /** @inheritdoc */
  async extend(key: string, until: Date): Promise<boolean> {
    const current = await this.retention(key);
    if (current && current.until.getTime() >= until.getTime()) return false;
    // A compliance lock keeps its mode; extending never weakens it.
    const mode = current?.mode === LockMode.Compliance ? LockMode.Compliance : this.mode;
    try {
      await this.client.send(new PutObjectRetentionCommand({ Bucket: this.bucket, Key: this.prefix + key, Retention: { Mode: mode, RetainUntilDate: until } }));
    } catch (error) {
      throw mapS3Error(error, { bucket: this.bucket, key: this.prefix + key, relativeKey: key, operation: 'PutObjectRetention' });
    }
    return true;
  }
}
