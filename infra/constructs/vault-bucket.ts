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

/** The S3 object actions each vault grant gives. */
export const VaultObjectActions = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  put: ['s3:PutObject', 's3:AbortMultipartUpload'],
  /**
   * What the engine's S3 object store calls on vault objects: GetObject
   * (also HeadObject), PutObject (also multipart create/upload/complete and
   * `If-None-Match` writes), AbortMultipartUpload, DeleteObject.
   */
  readWriteDelete: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
  /** What the engine's S3 object store calls to read vault objects: GetObject (also HeadObject). */
  readOnly: ['s3:GetObject'],
  /** What backup and restore steps write with: everything but deleting (they delete only under `staging/`). */
  readWrite: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
  /** Object Lock dates: HeadObject returns them with GetObjectRetention; prune extends them. */
  retention: ['s3:GetObjectRetention', 's3:PutObjectRetention'],
} as const;

/** The key prefix Haven's vault lives under in the vault bucket. */
export const DEFAULT_VAULT_PREFIX = 'vault';

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
   * Lets a principal read and list vault objects (`s3:GetObject`,
   * `s3:GetObjectVersion`, `s3:ListBucket`) and decrypt them (`kms:Decrypt`).
   *
   * @param grantee - the principal
   * @param keyPattern - the object keys the grant covers @default `*`
   * @returns the grant
   */
  grantRead(grantee: IGrantable, keyPattern = '*'): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: [...VaultObjectActions.read],
      resourceArns: [this.bucket.arnForObjects(keyPattern)],
    }).combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }));
    return grant.combine(this.encryptionKey.grant(grantee, 'kms:Decrypt'));
  }

  /**
   * Lets a principal write vault objects (`s3:PutObject`,
   * `s3:AbortMultipartUpload`) under SSE-KMS (`kms:GenerateDataKey`, and
   * `kms:Decrypt` which multipart uploads need).
   *
   * @param grantee - the principal
   * @param keyPattern - the object keys the grant covers @default `*`
   * @returns the grant
   */
  grantPut(grantee: IGrantable, keyPattern = '*'): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...VaultObjectActions.put],
      resourceArns: [this.bucket.arnForObjects(keyPattern)],
    }).combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt'));
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
   * Lets a principal read, write and list the vault under `prefix` and
   * delete only its staging area, as the backup and restore steps do: the
   * {@link VaultObjectActions.readWrite} actions on `<prefix>/*`,
   * `s3:DeleteObject` on `<prefix>/staging/*` only (a backup clears what it
   * staged; packs, index objects and snapshots are deleted by prune alone),
   * `s3:ListBucket` on the bucket, and `kms:GenerateDataKey` + `kms:Decrypt`
   * on the bucket's key (SSE-KMS writes, reads and multipart uploads).
   *
   * `s3:ListBucket` carries no `s3:prefix` condition: the store's HeadBucket
   * check (made when an object is missing) is authorized by `s3:ListBucket`
   * and sends no prefix, so such a condition would deny it. The bucket holds
   * nothing but the vault.
   *
   * @param grantee - the principal
   * @param prefix - the vault's key prefix, without slashes at either end @default `vault`
   * @returns the grant
   */
  grantVaultReadWrite(grantee: IGrantable, prefix: string = DEFAULT_VAULT_PREFIX): Grant {
    assertVaultPrefix(prefix);
    return Grant.addToPrincipal({
      grantee,
      actions: [...VaultObjectActions.readWrite],
      resourceArns: [this.bucket.arnForObjects(`${prefix}/*`)],
    })
      .combine(Grant.addToPrincipal({ grantee, actions: ['s3:DeleteObject'], resourceArns: [this.bucket.arnForObjects(`${prefix}/staging/*`)] }))
      .combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }))
      .combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt'));
  }

  /**
   * Lets a principal prune the vault under `prefix`: the
   * {@link VaultObjectActions.readWriteDelete} actions on `<prefix>/*` (the
   * only grant that deletes packs, index objects and snapshots), with
   * `objectLock` the {@link VaultObjectActions.retention} actions there too,
   * `s3:ListBucket` on the bucket, and `kms:GenerateDataKey` + `kms:Decrypt`
   * on the bucket's key.
   *
   * @param grantee - the principal
   * @param prefix - the vault's key prefix, without slashes at either end @default `vault`
   * @param objectLock - whether the bucket has Object Lock (read and extend retention dates) @default false
   * @returns the grant
   */
  grantVaultPrune(grantee: IGrantable, prefix: string = DEFAULT_VAULT_PREFIX, objectLock = false): Grant {
    assertVaultPrefix(prefix);
    const actions = [...VaultObjectActions.readWriteDelete, ...(objectLock ? VaultObjectActions.retention : [])];
    return Grant.addToPrincipal({ grantee, actions, resourceArns: [this.bucket.arnForObjects(`${prefix}/*`)] })
      .combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }))
      .combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt'));
  }

  /**
   * Lets a principal read and list the vault under `prefix` and nothing
   * more, as a restore's reading steps need: `s3:GetObject` on `<prefix>/*`,
   * `s3:ListBucket` on the bucket (unconditioned, for the reason given at
   * {@link VaultBucket.grantVaultReadWrite}), and `kms:Decrypt` on the
   * bucket's key (SSE-KMS reads).
   *
   * @param grantee - the principal
   * @param prefix - the vault's key prefix, without slashes at either end @default `vault`
   * @returns the grant
   */
  grantVaultRead(grantee: IGrantable, prefix: string = DEFAULT_VAULT_PREFIX): Grant {
    assertVaultPrefix(prefix);
    return Grant.addToPrincipal({
      grantee,
      actions: [...VaultObjectActions.readOnly],
      resourceArns: [this.bucket.arnForObjects(`${prefix}/*`)],
    })
      .combine(Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }))
      .combine(this.encryptionKey.grant(grantee, 'kms:Decrypt'));
  }

  /**
   * Lets a principal delete single backups as the API does: read the vault
   * under `prefix` ({@link VaultBucket.grantVaultRead}) and `s3:DeleteObject`
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
    return this.grantVaultRead(grantee, prefix).combine(Grant.addToPrincipal({ grantee, actions, resourceArns: [this.bucket.arnForObjects(`${prefix}/snapshots/*`)] }));
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
