/** S3 operations → the authorizations AWS makes (the S3 part of Haven's operation map). */
import { Arn } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import type { AuthorizationRequest } from '../types.js';
import { KmsUseKind, s3Kms } from './on-behalf.js';
import { authorization, optional, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

const bucketArn = (input: OperationInput) => Arn.bucket(required(input, 'Bucket'));
const objectArn = (input: OperationInput) => Arn.object(required(input, 'Bucket'), required(input, 'Key'));
interface CopySource {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

const isTrue = (value: string | undefined) => value?.toLowerCase() === 'true';

/** An action on the bucket ARN, no condition keys. */
const onBucket =
  (action: string): OperationRule =>
  (input) => [authorization(action, bucketArn(input))];

/** An action on the object ARN; with a versionId, its `...Version...` form (which takes `s3:versionid`). */
const onObject =
  (action: string, versionAction: string): OperationRule =>
  (input) => {
    const versionId = optional(input, 'VersionId');
    const versioned = versionId !== undefined && versionAction !== action;
    return [authorization(versionId ? versionAction : action, objectArn(input), { 's3:versionid': versioned ? versionId : undefined })];
  };

/** `s3:ListBucket`-style listing with the request's listing condition keys (`s3:prefix` only when the request has one). */
const listing =
  (action: string): OperationRule =>
  (input) => [
    authorization(action, bucketArn(input), {
      's3:prefix': optional(input, 'Prefix'),
      's3:delimiter': optional(input, 'Delimiter'),
      's3:max-keys': optional(input, 'MaxKeys'),
    }),
  ];

/** The condition keys of an object write, from its headers. */
function writeContext(input: OperationInput): Record<string, string | undefined> {
  return {
    's3:x-amz-server-side-encryption': optional(input, 'ServerSideEncryption'),
    's3:x-amz-server-side-encryption-aws-kms-key-id': optional(input, 'SSEKMSKeyId'),
    's3:x-amz-acl': optional(input, 'ACL'),
    's3:x-amz-storage-class': optional(input, 'StorageClass'),
    's3:object-lock-mode': optional(input, 'ObjectLockMode'),
    's3:object-lock-retain-until-date': optional(input, 'ObjectLockRetainUntilDate'),
    's3:object-lock-legal-hold': optional(input, 'ObjectLockLegalHoldStatus'),
    's3:if-none-match': optional(input, 'IfNoneMatch'),
    's3:if-match': optional(input, 'IfMatch'),
  };
}

/** `s3:PutObject`, plus `s3:PutObjectRetention` / `s3:PutObjectLegalHold` when the write sets object-lock headers. */
function objectWrite(input: OperationInput, extra: Record<string, string | undefined> = {}): AuthorizationRequest[] {
  const arn = objectArn(input);
  const out = [authorization('s3:PutObject', arn, { ...writeContext(input), ...extra })];
  if (optional(input, 'ObjectLockMode') || optional(input, 'ObjectLockRetainUntilDate')) {
    out.push(
      authorization('s3:PutObjectRetention', arn, {
        's3:object-lock-mode': optional(input, 'ObjectLockMode'),
        's3:object-lock-retain-until-date': optional(input, 'ObjectLockRetainUntilDate'),
      }),
    );
  }
  if (optional(input, 'ObjectLockLegalHoldStatus')) {
    out.push(authorization('s3:PutObjectLegalHold', arn, { 's3:object-lock-legal-hold': optional(input, 'ObjectLockLegalHoldStatus') }));
  }
  return out;
}

const sseOf = (input: OperationInput) => ({ sse: optional(input, 'ServerSideEncryption'), keyId: optional(input, 'SSEKMSKeyId') });

function sourceOf(input: OperationInput): CopySource {
  const source = input.params.CopySource as CopySource | undefined;
  if (!source?.Bucket || !source.Key) throw new MissingParameterError(input.operation, 'CopySource');
  return source;
}

/** The source object of a copy: `s3:GetObject` (or `...Version`) on it, and its bucket's `kms:Decrypt`. */
function copySource(input: OperationInput): AuthorizationRequest[] {
  const source = sourceOf(input);
  return [
    authorization(source.VersionId ? 's3:GetObjectVersion' : 's3:GetObject', Arn.object(source.Bucket, source.Key), { 's3:versionid': source.VersionId }),
    ...s3Kms(input, source.Bucket, KmsUseKind.Decrypt),
  ];
}

/** The value of `s3:x-amz-copy-source`: `bucket/key` (AWS compares it without the leading slash). */
const copySourceHeader = (input: OperationInput) => {
  const source = sourceOf(input);
  return `${source.Bucket}/${source.Key}${source.VersionId ? `?versionId=${source.VersionId}` : ''}`;
};

/** A deletion of one object (or version), with `s3:BypassGovernanceRetention` when the bypass header is set. */
function deletion(input: OperationInput, key: string, versionId: string | undefined, item?: string): AuthorizationRequest[] {
  const arn = Arn.object(required(input, 'Bucket'), key);
  const out = [authorization(versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', arn, { 's3:versionid': versionId }, item)];
  if (isTrue(optional(input, 'BypassGovernanceRetention'))) out.push(authorization('s3:BypassGovernanceRetention', arn, {}, item));
  return out;
}

/** The S3 entries of the operation map. */
export const S3_RULES: ServiceRules = {
  ListBuckets: () => [authorization('s3:ListAllMyBuckets', '*')],
  CreateBucket: (input) => {
    const out = [authorization('s3:CreateBucket', bucketArn(input))];
    if (isTrue(optional(input, 'ObjectLockEnabledForBucket'))) {
      out.push(authorization('s3:PutBucketObjectLockConfiguration', bucketArn(input)), authorization('s3:PutBucketVersioning', bucketArn(input)));
    }
    return out;
  },
  DeleteBucket: onBucket('s3:DeleteBucket'),
  HeadBucket: onBucket('s3:ListBucket'),
  ListObjects: listing('s3:ListBucket'),
  ListObjectsV2: listing('s3:ListBucket'),
  ListObjectVersions: listing('s3:ListBucketVersions'),
  ListMultipartUploads: onBucket('s3:ListBucketMultipartUploads'),
  GetBucketLocation: onBucket('s3:GetBucketLocation'),
  GetBucketEncryption: onBucket('s3:GetEncryptionConfiguration'),
  PutBucketEncryption: onBucket('s3:PutEncryptionConfiguration'),
  DeleteBucketEncryption: onBucket('s3:PutEncryptionConfiguration'),
  GetBucketVersioning: onBucket('s3:GetBucketVersioning'),
  PutBucketVersioning: onBucket('s3:PutBucketVersioning'),
  GetObjectLockConfiguration: onBucket('s3:GetBucketObjectLockConfiguration'),
  PutObjectLockConfiguration: onBucket('s3:PutBucketObjectLockConfiguration'),
  GetBucketPolicy: onBucket('s3:GetBucketPolicy'),
  PutBucketPolicy: onBucket('s3:PutBucketPolicy'),
  DeleteBucketPolicy: onBucket('s3:DeleteBucketPolicy'),
  GetBucketTagging: onBucket('s3:GetBucketTagging'),
  PutBucketTagging: onBucket('s3:PutBucketTagging'),
  DeleteBucketTagging: onBucket('s3:PutBucketTagging'),
  GetBucketLifecycleConfiguration: onBucket('s3:GetLifecycleConfiguration'),
  PutBucketLifecycleConfiguration: onBucket('s3:PutLifecycleConfiguration'),
  DeleteBucketLifecycle: onBucket('s3:PutLifecycleConfiguration'),
  GetBucketNotificationConfiguration: onBucket('s3:GetBucketNotification'),
  PutBucketNotificationConfiguration: onBucket('s3:PutBucketNotification'),
  GetBucketAcl: onBucket('s3:GetBucketAcl'),
  PutBucketAcl: onBucket('s3:PutBucketAcl'),
  GetBucketCors: onBucket('s3:GetBucketCORS'),
  PutBucketCors: onBucket('s3:PutBucketCORS'),
  DeleteBucketCors: onBucket('s3:PutBucketCORS'),
  GetPublicAccessBlock: onBucket('s3:GetBucketPublicAccessBlock'),
  PutPublicAccessBlock: onBucket('s3:PutBucketPublicAccessBlock'),
  DeletePublicAccessBlock: onBucket('s3:PutBucketPublicAccessBlock'),
  GetBucketOwnershipControls: onBucket('s3:GetBucketOwnershipControls'),
  PutBucketOwnershipControls: onBucket('s3:PutBucketOwnershipControls'),
  DeleteBucketOwnershipControls: onBucket('s3:PutBucketOwnershipControls'),
  HeadObject: onObject('s3:GetObject', 's3:GetObjectVersion'),
  GetObject: (input) => [...onObject('s3:GetObject', 's3:GetObjectVersion')(input), ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.Decrypt)],
  PutObject: (input) => [...objectWrite(input), ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.GenerateDataKey, sseOf(input))],
  CopyObject: (input) => [
    ...copySource(input),
    ...objectWrite(input, { 's3:x-amz-copy-source': copySourceHeader(input), 's3:x-amz-metadata-directive': optional(input, 'MetadataDirective') }),
    ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.GenerateDataKey, sseOf(input)),
  ],
  CreateMultipartUpload: (input) => [...objectWrite(input), ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.GenerateDataKey, sseOf(input))],
  UploadPart: (input) => [authorization('s3:PutObject', objectArn(input)), ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.Decrypt)],
  UploadPartCopy: (input) => [
    ...copySource(input),
    authorization('s3:PutObject', objectArn(input), { 's3:x-amz-copy-source': copySourceHeader(input) }),
    ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.Decrypt),
  ],
  CompleteMultipartUpload: (input) => [authorization('s3:PutObject', objectArn(input)), ...s3Kms(input, required(input, 'Bucket'), KmsUseKind.Decrypt)],
  AbortMultipartUpload: (input) => [authorization('s3:AbortMultipartUpload', objectArn(input))],
  ListParts: (input) => [authorization('s3:ListMultipartUploadParts', objectArn(input))],
  DeleteObject: (input) => deletion(input, required(input, 'Key'), optional(input, 'VersionId')),
  DeleteObjects: (input) => {
    const objects = (input.params.Delete as { Objects?: { Key: string; VersionId?: string }[] } | undefined)?.Objects ?? [];
    return objects.flatMap((o) => deletion(input, o.Key, o.VersionId, o.Key));
  },
  GetObjectRetention: onObject('s3:GetObjectRetention', 's3:GetObjectRetention'),
  PutObjectRetention: (input) => {
    const retention = (input.params.Retention ?? {}) as { Mode?: string; RetainUntilDate?: string };
    const out = [
      authorization('s3:PutObjectRetention', objectArn(input), {
        's3:object-lock-mode': retention.Mode,
        's3:object-lock-retain-until-date': retention.RetainUntilDate,
      }),
    ];
    if (isTrue(optional(input, 'BypassGovernanceRetention'))) out.push(authorization('s3:BypassGovernanceRetention', objectArn(input)));
    return out;
  },
  GetObjectLegalHold: onObject('s3:GetObjectLegalHold', 's3:GetObjectLegalHold'),
  PutObjectLegalHold: onObject('s3:PutObjectLegalHold', 's3:PutObjectLegalHold'),
  GetObjectTagging: onObject('s3:GetObjectTagging', 's3:GetObjectVersionTagging'),
  PutObjectTagging: onObject('s3:PutObjectTagging', 's3:PutObjectVersionTagging'),
  DeleteObjectTagging: onObject('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'),
  GetObjectAcl: onObject('s3:GetObjectAcl', 's3:GetObjectVersionAcl'),
  PutObjectAcl: onObject('s3:PutObjectAcl', 's3:PutObjectVersionAcl'),
  GetObjectAttributes: onObject('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'),
  RestoreObject: onObject('s3:RestoreObject', 's3:RestoreObject'),
};
