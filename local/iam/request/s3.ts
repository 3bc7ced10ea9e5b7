/**
 * Reads an S3 REST-XML request (path-style, `/bucket/key`) into its
 * operation and parameters, the way S3 routes it: by method, whether there
 * is a key, the sub-resource in the query (`?uploads`, `?delete`,
 * `?retention`, ...) and the copy-source header. The SDK's `x-id=` query
 * parameter is ignored: botocore does not send it, and the route decides.
 */
import { RequestParseError } from '../errors.js';
import type { RawRequest } from '../types.js';
import { headerValue } from './headers.js';
import { xmlText, xmlUnescape } from './xml.js';

/** One object named in a DeleteObjects body. */
export interface DeleteObjectsEntry {
  Key: string;
  VersionId?: string;
  /** The `<Object>...</Object>` element as sent, so a rewritten body keeps it byte for byte. */
  xml: string;
}

/** Bucket sub-resources that select an operation: query key → operation by method, for buckets and objects. */
const BUCKET_SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  location: { GET: 'GetBucketLocation' },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  versions: { GET: 'ListObjectVersions' },
  uploads: { GET: 'ListMultipartUploads' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
  lifecycle: { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
  publicAccessBlock: { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' },
  ownershipControls: { GET: 'GetBucketOwnershipControls', PUT: 'PutBucketOwnershipControls', DELETE: 'DeleteBucketOwnershipControls' },
  delete: { POST: 'DeleteObjects' },
};

const OBJECT_SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
  uploads: { POST: 'CreateMultipartUpload' },
  restore: { POST: 'RestoreObject' },
};

/** Headers the operation map reads, by parameter name (as in the SDK's input shapes). */
const HEADER_PARAMS: Record<string, string> = {
  'x-amz-server-side-encryption': 'ServerSideEncryption',
  'x-amz-server-side-encryption-aws-kms-key-id': 'SSEKMSKeyId',
  'x-amz-object-lock-mode': 'ObjectLockMode',
  'x-amz-object-lock-retain-until-date': 'ObjectLockRetainUntilDate',
  'x-amz-object-lock-legal-hold': 'ObjectLockLegalHoldStatus',
  'x-amz-bypass-governance-retention': 'BypassGovernanceRetention',
  'x-amz-acl': 'ACL',
  'x-amz-storage-class': 'StorageClass',
  'x-amz-metadata-directive': 'MetadataDirective',
  'x-amz-copy-source': 'CopySource',
  'x-amz-bucket-object-lock-enabled': 'ObjectLockEnabledForBucket',
  'if-none-match': 'IfNoneMatch',
  'if-match': 'IfMatch',
};

/** Query parameters the operation map reads, by parameter name. */
const QUERY_PARAMS: Record<string, string> = {
  versionId: 'VersionId',
  prefix: 'Prefix',
  delimiter: 'Delimiter',
  'max-keys': 'MaxKeys',
  uploadId: 'UploadId',
  partNumber: 'PartNumber',
};

/** Splits a path-style S3 URL into bucket, key and query. */
export function splitS3Url(url: string): { bucket: string | undefined; key: string | undefined; query: URLSearchParams } {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const trimmed = path.replace(/^\/+/, '');
  if (!trimmed) return { bucket: undefined, key: undefined, query };
  const slash = trimmed.indexOf('/');
  try {
    if (slash === -1) return { bucket: decodeURIComponent(trimmed), key: undefined, query };
    const key = decodeURIComponent(trimmed.slice(slash + 1));
    return { bucket: decodeURIComponent(trimmed.slice(0, slash)), key: key || undefined, query };
  } catch {
    throw new RequestParseError(`malformed percent-encoding in the S3 path ${JSON.stringify(path)}`);
  }
}

/** True when the S3 operation needs the request body to be authorized (everything else streams through). */
export function s3NeedsBody(method: string, url: string): boolean {
  const { query } = splitS3Url(url);
  return (method === 'POST' && query.has('delete')) || (method === 'PUT' && query.has('retention'));
}

function operationOf(method: string, bucket: string | undefined, key: string | undefined, query: URLSearchParams, copySource: string | undefined): string {
  if (!bucket) {
    if (method === 'GET') return 'ListBuckets';
    throw new RequestParseError(`S3 ${method} / is not an operation the local IAM proxy knows`);
  }
  if (!key) {
    for (const [sub, byMethod] of Object.entries(BUCKET_SUBRESOURCES)) if (query.has(sub) && byMethod[method]) return byMethod[method];
    switch (method) {
      case 'HEAD':
        return 'HeadBucket';
      case 'GET':
        return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'PUT':
        return 'CreateBucket';
      case 'DELETE':
        return 'DeleteBucket';
    }
    throw new RequestParseError(`S3 ${method} on a bucket with query ${JSON.stringify(query.toString())} is not an operation the local IAM proxy knows`);
  }
  for (const [sub, byMethod] of Object.entries(OBJECT_SUBRESOURCES)) if (query.has(sub) && byMethod[method]) return byMethod[method];
  const upload = query.has('uploadId');
  switch (method) {
    case 'HEAD':
      return 'HeadObject';
    case 'GET':
      return upload ? 'ListParts' : 'GetObject';
    case 'PUT':
      if (upload && query.has('partNumber')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (upload) return 'CompleteMultipartUpload';
      break;
    case 'DELETE':
      return upload ? 'AbortMultipartUpload' : 'DeleteObject';
  }
  throw new RequestParseError(`S3 ${method} on an object with query ${JSON.stringify(query.toString())} is not an operation the local IAM proxy knows`);
}

/** Reads `x-amz-copy-source` (`/bucket/key?versionId=v`, URL-encoded). */
export function parseCopySource(value: string): { Bucket: string; Key: string; VersionId?: string } {
  const q = value.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent((q === -1 ? value : value.slice(0, q)).replace(/^\/+/, ''));
  } catch {
    throw new RequestParseError(`malformed percent-encoding in x-amz-copy-source ${JSON.stringify(value)}`);
  }
  const versionId = q === -1 ? null : new URLSearchParams(value.slice(q + 1)).get('versionId');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw new RequestParseError(`malformed x-amz-copy-source ${JSON.stringify(value)}`);
  return { Bucket: path.slice(0, slash), Key: path.slice(slash + 1), ...(versionId ? { VersionId: versionId } : {}) };
}

/** The objects of a DeleteObjects body, and whether it asks for a quiet answer. */
export function parseDeleteObjects(body: string): { objects: DeleteObjectsEntry[]; quiet: boolean } {
  if (!/<Delete[\s>]/.test(body)) throw new RequestParseError('the DeleteObjects body has no <Delete> element');
  const objects: DeleteObjectsEntry[] = [];
  for (const match of body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const inner = match[1]!;
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner);
    if (!key) throw new RequestParseError('a DeleteObjects <Object> has no <Key>');
    const versionId = xmlText(inner, 'VersionId');
    objects.push({ Key: xmlUnescape(key[1]!), ...(versionId ? { VersionId: versionId } : {}), xml: match[0] });
  }
  return { objects, quiet: xmlText(body, 'Quiet')?.trim() === 'true' };
}

/**
 * The S3 operation and its parameters.
 * @throws RequestParseError when the route is not an S3 operation the proxy knows
 */
export function parseS3(request: RawRequest): { operation: string; params: Record<string, unknown> } {
  const { bucket, key, query } = splitS3Url(request.url);
  const copySource = headerValue(request.headers, 'x-amz-copy-source');
  const operation = operationOf(request.method.toUpperCase(), bucket, key, query, copySource);
  const params: Record<string, unknown> = {};
  if (bucket) params.Bucket = bucket;
  if (key) params.Key = key;
  for (const [name, param] of Object.entries(QUERY_PARAMS)) {
    const value = query.get(name);
    if (value !== null) params[param] = value;
  }
  for (const [name, param] of Object.entries(HEADER_PARAMS)) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) params[param] = value;
  }
  if (copySource) params.CopySource = parseCopySource(copySource);
  if (operation === 'DeleteObjects') {
    const { objects, quiet } = parseDeleteObjects(request.body.toString('utf8'));
    params.Delete = { Objects: objects, Quiet: quiet };
  }
  if (operation === 'PutObjectRetention') {
    const body = request.body.toString('utf8');
    const mode = xmlText(body, 'Mode');
    const until = xmlText(body, 'RetainUntilDate');
    params.Retention = { ...(mode ? { Mode: mode } : {}), ...(until ? { RetainUntilDate: until } : {}) };
  }
  return { operation, params };
}
