/**
 * The vault bucket that holds every pack, index and snapshot, plus the bucket
 * its server access logs go to.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';

/** S3 Object Lock retention modes. */
export const ObjectLockMode = {
  GOVERNANCE: 'GOVERNANCE',
  COMPLIANCE: 'COMPLIANCE',
} as const;
export type ObjectLockMode = (typeof ObjectLockMode)[keyof typeof ObjectLockMode];

/**
 * How much of the vault a function may touch; each workflow step names the
 * level its engine code needs (see {@link VaultBucket.grantVault}).
 */
export const VaultAccess = {
  /** Nothing. */
  None: 'none',
  /** Get (and head) objects under the vault prefix and list the bucket; `kms:Decrypt` on the vault key. */
  Read: 'read',
  /** Read, plus put objects and abort uploads under the prefix, never delete; `kms:GenerateDataKey` too. */
  Write: 'write',
  /** Write, plus delete anywhere under the prefix (and read and extend Object Lock dates when the bucket has it): prune only. */
  Prune: 'prune',
} as const;
export type VaultAccess = (typeof VaultAccess)[keyof typeof VaultAccess];

/**
 * The S3 actions on objects under the vault prefix, per level: what the
 * engine's S3 object store calls. GetObject (also HeadObject), PutObject
 * (also multipart create/upload/complete and `If-None-Match` writes),
 * AbortMultipartUpload, DeleteObject.
 */
export const VAULT_OBJECT_ACTIONS: Readonly<Record<VaultAccess, readonly string[]>> = {
  none: [],
  read: ['s3:GetObject'],
  write: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
  prune: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
};

/**
 * The vault key actions per level: Decrypt unwraps the keyring and reads
 * SSE-KMS objects (and multipart uploads need it); GenerateDataKey wraps a
 * new vault's keys and encrypts SSE-KMS writes.
 */
export const VAULT_KEY_ACTIONS: Readonly<Record<VaultAccess, readonly string[]>> = {
  none: [],
  read: ['kms:Decrypt'],
  write: ['kms:Decrypt', 'kms:GenerateDataKey'],
  prune: ['kms:Decrypt', 'kms:GenerateDataKey'],
};

/** Object Lock dates: HeadObject returns them with GetObjectRetention; prune extends them. */
export const OBJECT_LOCK_ACTIONS = ['s3:GetObjectRetention', 's3:PutObjectRetention'] as const;

/** Options of {@link VaultBucket.grantVault}. */
export interface VaultGrantOptions {
  /** The vault's key prefix, without slashes at either end. @default `vault` */
  readonly prefix?: string;
  /** Also delete under `<prefix>/staging/` (steps that clear what a run staged). @default false */
  readonly clearStaging?: boolean;
  /** The bucket has Object Lock (prune reads and extends retention dates). @default false */
  readonly objectLock?: boolean;
}

/** The key prefix Haven's vault lives under in the vault bucket. */
export const DEFAULT_VAULT_PREFIX = 'vault';

/**
 * The object keys grants name in a vault bucket: every vault in it, the
 * default one (under its prefix) and any a job selects at run time with
 * `destination.path` (control/vaults/registry.ts), so no grant can name one
 * prefix. With a folder, that folder of each vault (`*\/staging/*`); a path
 * vault is never at the bucket's root, nor is the primary's default vault.
 *
 * @param folder - a folder of the vault layout (docs/FORMAT.md §1), or none for every object
 */
export function anyVaultKeys(folder?: 'staging' | 'snapshots' | 'data'): string {
  return folder ? `*/${folder}/*` : '*';
}

/** Default retention applied to every new object version when Object Lock is on. */
export interface ObjectLockSettings {
  readonly mode: ObjectLockMode;
  /** Whole days, at least 1. */
  readonly days: number;
}

/** Props of {@link VaultBucket}. */
export interface VaultBucketProps {
  /** The key S3 encrypts objects with (SSE-KMS, bucket key on). */
  readonly encryptionKey: kms.IKey;
  /** Object Lock default retention; Object Lock stays off when omitted. */
  readonly objectLock?: ObjectLockSettings;
  /** How long overwritten or deleted versions are kept. @default 30 days */
  readonly noncurrentVersionExpiration?: Duration;
  /** How long server access logs are kept. @default 90 days */
  readonly accessLogRetention?: Duration;
  /** What CloudFormation does with both buckets when they leave the stack. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A versioned, private, TLS-only bucket encrypted with the vault key, with
 * server access logs in a separate bucket and optional Object Lock.
 */
export class VaultBucket extends Construct {
  /** The vault bucket. */
  readonly bucket: s3.Bucket;
  /** The bucket receiving the vault bucket's server access logs. */
  readonly accessLogsBucket: s3.Bucket;
  private readonly encryptionKey: kms.IKey;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the encryption key and overrides of the secure defaults
   */
  constructor(scope: Construct, id: string, props: VaultBucketProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    // Grant S3 log delivery through a bucket policy, never an ACL (ACLs stay
    // disabled), whatever the app's feature flags say.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (props.objectLock) assertObjectLock(props.objectLock);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'vault/',
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads-and-expire-old-versions',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
        },
      ],
      ...(props.objectLock
        ? { objectLockEnabled: true, objectLockDefaultRetention: retention(props.objectLock) }
        : {}),
      removalPolicy,
    });
  }

  /**
   * The vault's location as the engine opens it: `s3://<bucket>/<prefix>`.
   *
   * @param prefix - the vault's key prefix @default `vault`
   * @returns the URI (a token until deployment)
   */
  vaultUri(prefix: string = DEFAULT_VAULT_PREFIX): string {
    return `s3://${this.bucket.bucketName}/${prefix}`;
  }

  /**
   * Lets a principal use the vault at one {@link VaultAccess} level: the
   * level's {@link VAULT_OBJECT_ACTIONS} on `<prefix>/*`, `s3:ListBucket` on
   * the bucket, the level's {@link VAULT_KEY_ACTIONS} on the bucket's key;
   * with `clearStaging`, `s3:DeleteObject` on `<prefix>/staging/*` (a run
   * clears what it staged; packs, index objects and snapshots are deleted by
   * prune alone); with `objectLock` at the prune level, the
   * {@link OBJECT_LOCK_ACTIONS} on `<prefix>/*`.
   *
   * `s3:ListBucket` carries no `s3:prefix` condition: the store's HeadBucket
   * check (made when an object is missing) is authorized by `s3:ListBucket`
   * and sends no prefix, so such a condition would deny it. The bucket holds
   * nothing but the vault and the verify workflow's scratch prefixes.
   *
   * @param grantee - the principal
   * @param access - the level
   * @param options - the prefix, staging deletes and Object Lock
   * @returns the grant, or undefined for {@link VaultAccess.None}
   * @throws InvalidPropsError for a prefix with wildcards or edge slashes, or `clearStaging` without access
   */
  grantVault(grantee: IGrantable, access: VaultAccess, options: VaultGrantOptions = {}): Grant | undefined {
    const prefix = options.prefix ?? DEFAULT_VAULT_PREFIX;
    assertVaultPrefix(prefix);
    if (access === VaultAccess.None) {
      if (options.clearStaging) throw new InvalidPropsError('clearing the vault\'s staging area needs read access to it');
      return undefined;
    }
    const objectActions = [...VAULT_OBJECT_ACTIONS[access], ...(access === VaultAccess.Prune && options.objectLock ? OBJECT_LOCK_ACTIONS : [])];
    let grant = Grant.addToPrincipal({ grantee, actions: objectActions, resourceArns: [this.bucket.arnForObjects(anyVaultKeys())] })
      .combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }))
      .combine(this.encryptionKey.grant(grantee, ...VAULT_KEY_ACTIONS[access]));
    if (options.clearStaging && access !== VaultAccess.Prune) {
      grant = grant.combine(Grant.addToPrincipal({ grantee, actions: ['s3:DeleteObject'], resourceArns: [this.bucket.arnForObjects(anyVaultKeys('staging'))] }));
    }
    return grant;
  }

  /**
   * Lets a principal delete single backups as the API does: read the vault
   * under `prefix` ({@link VaultAccess.Read}) and `s3:DeleteObject`
   * on `<prefix>/snapshots/*` only (packs and index objects are prune's),
   * with `objectLock` also `s3:GetObjectRetention` there (a locked snapshot
   * is refused, never deleted).
   *
   * @param grantee - the principal
   * @param prefix - the vault's key prefix, without slashes at either end @default `vault`
   * @param objectLock - whether the bucket has Object Lock @default false
   * @returns the grant
   */
  grantSnapshotDelete(grantee: IGrantable, prefix: string = DEFAULT_VAULT_PREFIX, objectLock = false): Grant {
    const actions = ['s3:DeleteObject', ...(objectLock ? ['s3:GetObjectRetention'] : [])];
    return this.grantVault(grantee, VaultAccess.Read, { prefix })!.combine(Grant.addToPrincipal({ grantee, actions, resourceArns: [this.bucket.arnForObjects(anyVaultKeys('snapshots'))] }));
  }
}

function assertVaultPrefix(prefix: string): void {
  if (!/^[A-Za-z0-9!_.()'-]+(\/[A-Za-z0-9!_.()'-]+)*$/.test(prefix)) {
    throw new InvalidPropsError(`vault prefix must be a plain key prefix without wildcards or edge slashes, got ${JSON.stringify(prefix)}`);
  }
}

function assertObjectLock(settings: ObjectLockSettings): void {
  if (!Object.values(ObjectLockMode).includes(settings.mode)) {
    throw new InvalidPropsError(`objectLock.mode must be GOVERNANCE or COMPLIANCE, got ${String(settings.mode)}`);
  }
  if (!Number.isInteger(settings.days) || settings.days < 1) {
    throw new InvalidPropsError(`objectLock.days must be a whole number of days >= 1, got ${settings.days}`);
  }
}

function retention(settings: ObjectLockSettings): s3.ObjectLockRetention {
  const duration = Duration.days(settings.days);
  return settings.mode === ObjectLockMode.COMPLIANCE
    ? s3.ObjectLockRetention.compliance(duration)
    : s3.ObjectLockRetention.governance(duration);
}
