import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateTableCommand, GetItemCommand, ListBackupsCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ProxyOptionsError } from '../../../local/iam/errors.js';
import { startIamProxy } from '../../../local/iam/proxy.js';
import { CheckResult } from '../../../local/iam/types.js';
import { uniqueName } from '../../helpers/names.js';
import { ACCOUNT, REGION, ROLE_ARN, ROOT_KEY_POLICY, allow, deny, policy, principal, world } from './fixtures.js';
import { ADMIN_KEY, failure, startHarness, type Clients, type ProxyHarness } from './proxy-harness.js';

const run = promisify(execFile);

describe('the IAM proxy in front of moto', () => {
  let h: ProxyHarness;
  let admin: Clients;
  const bucket = uniqueName('iam-src');
  const kmsBucket = uniqueName('iam-vault');
  const table = uniqueName('iam-catalog');
  let keyArn: string;

  beforeAll(async () => {
    h = await startHarness();
    admin = h.clients(ADMIN_KEY);
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin.s3.send(new CreateBucketCommand({ Bucket: kmsBucket }));
    await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/a.txt', Body: 'a' }));
    await admin.dynamodb.send(
      new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
    );
    keyArn = (await admin.kms.send(new CreateKeyCommand({ Description: 'iam proxy test' }))).KeyMetadata!.Arn!;
    h.world.resourcePolicies.set(keyArn, ROOT_KEY_POLICY);
  });
  afterAll(() => h.close());

  /** A fresh access key for a principal with these policies. */
  const as = (...statements: Parameters<typeof policy>): Clients => {
    const key = uniqueName('AKIA').toUpperCase();
    h.principals.set(key, principal(policy(...statements)));
    return h.clients(key);
  };

  test('S3: allowed calls reach moto; a denied GetObject raises AccessDenied (403) with AWS message; HEAD is a bare 403', async () => {
    const reader = as(allow('s3:GetObject', `arn:aws:s3:::${bucket}/data/*`), allow('s3:ListBucket', `arn:aws:s3:::${bucket}`, { StringLike: { 's3:prefix': ['data/*'] } }));
    const got = await reader.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/a.txt' }));
    assert.equal(await got.Body!.transformToString(), 'a');
    assert.equal((await reader.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'data/' }))).KeyCount, 1);

    const put = await failure(reader.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/b.txt', Body: 'b' })));
    assert.equal(put.name, 'AccessDenied');
    assert.equal(put.$metadata?.httpStatusCode, 403);
    assert.equal(
      put.message,
      `User: ${ROLE_ARN} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/data/b.txt" because no identity-based policy allows the s3:PutObject action`,
    );
    assert.equal((await failure(reader.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'other/' })))).name, 'AccessDenied');
    const head = await failure(reader.s3.send(new HeadBucketCommand({ Bucket: bucket })));
    assert.equal(head.$metadata?.httpStatusCode, 403, 'HeadBucket needs s3:ListBucket without a prefix');
    const headObject = await failure(reader.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));
    assert.equal(headObject.$metadata?.httpStatusCode, 403);

    const observed = h.observed.filter((c) => c.principal === ROLE_ARN && c.service === 's3').map((c) => [c.operation, c.decision.allowed]);
    assert.deepEqual(observed.slice(-6), [
      ['GetObject', true],
      ['ListObjectsV2', true],
      ['PutObject', false],
      ['ListObjectsV2', false],
      ['HeadBucket', false],
      ['HeadObject', false],
    ]);
  });

  test('large uploads stream through (single PutObject and multipart); a denied one is refused', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const writer = as(allow(['s3:PutObject', 's3:GetObject'], `arn:aws:s3:::${bucket}/big/*`));
    await writer.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big/one', Body: body }));
    const upload = await writer.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big/parts' }));
    const part = await writer.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'big/parts', UploadId: upload.UploadId, PartNumber: 1, Body: body }));
    await writer.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'big/parts', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    for (const Key of ['big/one', 'big/parts']) {
      const got = await writer.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body, Key);
    }
    const denied = await failure(as(allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`)).s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big/two', Body: body })));
    assert.equal(denied.name, 'AccessDenied');
  });

  test('DeleteObjects with one denied key deletes the others and reports the denied one as AccessDenied', async () => {
    const keys = ['del/a', 'del/b', 'del/keep/c'];
    for (const Key of keys) await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const deleter = as(allow('s3:DeleteObject', `arn:aws:s3:::${bucket}/*`), deny('s3:DeleteObject', `arn:aws:s3:::${bucket}/del/keep/*`));
    const out = await deleter.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), ['del/a', 'del/b']);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['del/keep/c', 'AccessDenied']]);
    const left = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'del/' }));
    assert.deepEqual(left.Contents?.map((o) => o.Key), ['del/keep/c']);

    const all = await deleter.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'del/keep/c' }], Quiet: true } }));
    assert.deepEqual(all.Errors?.map((e) => [e.Key, e.Code]), [['del/keep/c', 'AccessDenied']]);
    assert.equal((await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'del/' }))).KeyCount, 1);
  });

  test('an SSE-KMS bucket (added to the world after the proxy started) denies PutObject without kms:GenerateDataKey on its key', async () => {
    h.world.bucketKeys.set(kmsBucket, keyArn);
    const writer = as(allow('s3:PutObject', `arn:aws:s3:::${kmsBucket}/*`));
    const denied = await failure(writer.s3.send(new PutObjectCommand({ Bucket: kmsBucket, Key: 'pack', Body: 'x' })));
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, new RegExp(`not authorized to perform: kms:GenerateDataKey on resource: "${keyArn}"`));

    const granted = as(
      allow('s3:PutObject', `arn:aws:s3:::${kmsBucket}/*`),
      allow('kms:GenerateDataKey', keyArn, { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${kmsBucket}` } }),
    );
    await granted.s3.send(new PutObjectCommand({ Bucket: kmsBucket, Key: 'pack', Body: 'x' }));
    const read = await failure(granted.s3.send(new GetObjectCommand({ Bucket: kmsBucket, Key: 'pack' })));
    assert.equal(read.name, 'AccessDenied', 'reading needs s3:GetObject and kms:Decrypt');
  });

  test('DynamoDB: GetItem allowed, PutItem raises AccessDeniedException (400) with the AWS message; an unmapped operation is denied by name', async () => {
    const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;
    const reader = as(allow('dynamodb:GetItem', tableArn));
    await reader.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' } } }));
    const put = await failure(reader.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'x' } } })));
    assert.equal(put.name, 'AccessDeniedException');
    assert.equal(put.$metadata?.httpStatusCode, 400);
    assert.equal(put.message, `User: ${ROLE_ARN} is not authorized to perform: dynamodb:PutItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:PutItem action`);
    const unmapped = await failure(as(allow('dynamodb:*', '*')).dynamodb.send(new ListBackupsCommand({})));
    assert.equal(unmapped.name, 'AccessDeniedException');
    assert.match(unmapped.message, /no authorization rule for dynamodb operation ListBackups/);
  });

  test('KMS: the encryption context condition allows vault=v1 and denies vault=v2; Decrypt without KeyId is authorized on the key in the moto blob', async () => {
    const vault = as(
      allow(['kms:GenerateDataKey', 'kms:Decrypt'], keyArn, { StringEquals: { 'kms:EncryptionContext:vault': 'v1' } }),
    );
    const key = await vault.kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { vault: 'v1' } }));
    const other = await failure(vault.kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { vault: 'v2' } })));
    assert.equal(other.name, 'AccessDeniedException');
    const plain = await vault.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob, EncryptionContext: { vault: 'v1' } }));
    assert.deepEqual(plain.Plaintext, key.Plaintext);
    const stranger = as(allow('kms:Decrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`));
    assert.equal((await failure(stranger.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob, EncryptionContext: { vault: 'v1' } })))).name, 'AccessDeniedException');
  });

  test('Lambda Invoke is denied (403 AccessDeniedException) without lambda:InvokeFunction and forwarded with it', async () => {
    const fn = uniqueName('iam-fn');
    const denied = await failure(as(allow('s3:GetObject', '*')).lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata?.httpStatusCode, 403);
    assert.match(denied.message, new RegExp(`lambda:InvokeFunction on resource: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn} `));
    const forwarded = await failure(as(allow('lambda:InvokeFunction', '*')).lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })));
    assert.equal(forwarded.name, 'ResourceNotFoundException', 'moto answered: the function does not exist');
  });

  test('SNS, SQS, Scheduler, Secrets Manager denials in their protocols; observe sees EventBridge entries and never a secret value', async () => {
    const topicArn = (await admin.sns.send(new CreateTopicCommand({ Name: uniqueName('iam-topic') }))).TopicArn!;
    const queueUrl = (await admin.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('iam-queue') }))).QueueUrl!;
    const secretArn = (await admin.secrets.send(new CreateSecretCommand({ Name: uniqueName('iam-secret'), SecretString: 'hunter2-password' }))).ARN!;
    const nobody = as(allow('s3:GetObject', 'arn:aws:s3:::nothing/*'));
    const sns = await failure(nobody.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' })));
    assert.deepEqual([sns.name, sns.$metadata?.httpStatusCode], ['AuthorizationErrorException', 403]);
    const sqs = await failure(nobody.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hi' })));
    assert.deepEqual([sqs.name, sqs.$metadata?.httpStatusCode], ['AccessDeniedException', 400]);
    const schedule = await failure(
      as(allow('scheduler:CreateSchedule', '*')).scheduler.send(
        new CreateScheduleCommand({ Name: uniqueName('iam-s'), ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: topicArn, RoleArn: `arn:aws:iam::${ACCOUNT}:role/sched` } }),
      ),
    );
    assert.equal(schedule.name, 'AccessDeniedException');
    assert.match(schedule.message, /iam:PassRole on resource: arn:aws:iam::\d+:role\/sched/);
    const secret = await failure(nobody.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));
    assert.equal(secret.name, 'AccessDeniedException');

    const publisher = as(allow('sns:Publish', topicArn), allow('events:PutEvents', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`));
    await publisher.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' }));
    await publisher.events.send(new PutEventsCommand({ Entries: [{ Source: 'haven', DetailType: 'Backup Completed', Detail: '{"job":"j1"}' }] }));
    const put = h.observed.findLast((c) => c.operation === 'PutEvents')!;
    assert.deepEqual(put.parameters.Entries, [{ Source: 'haven', DetailType: 'Backup Completed', Detail: '{"job":"j1"}' }]);
    assert.equal(put.decision.allowed, true);
    const created = h.observed.findLast((c) => c.operation === 'CreateSecret')!;
    assert.equal(created.principal, 'unrestricted');
    assert.equal(created.parameters.SecretString, '[redacted]');
    assert.ok(!JSON.stringify(h.observed).includes('hunter2'), 'no observed call carries the secret value');
  });

  test('an unknown access key gets the error AWS gives for one; moto-api is for unrestricted callers only', async () => {
    const stranger = h.clients('AKIANOBODYISSUED');
    const s3 = await failure(stranger.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/a.txt' })));
    assert.deepEqual([s3.name, s3.$metadata?.httpStatusCode], ['InvalidAccessKeyId', 403]);
    const ddb = await failure(stranger.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' } } })));
    assert.equal(ddb.name, 'UnrecognizedClientException');
    const sign = (key: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=x` });
    assert.equal((await fetch(`${h.proxy.url}/moto-api/config`)).status, 400);
    const restricted = [...h.principals.keys()][0]!;
    assert.equal((await fetch(`${h.proxy.url}/moto-api/config`, { headers: sign(restricted) })).status, 403);
    assert.ok((await fetch(`${h.proxy.url}/moto-api/config`, { headers: sign(ADMIN_KEY) })).ok, 'moto answers an unrestricted caller');
  });

  test('boto3 (as moto\'s Step Functions interpreter calls through the proxy) is authorized the same way', async () => {
    const key = uniqueName('AKIABOTO').toUpperCase();
    h.principals.set(key, principal(policy(allow('s3:GetObject', `arn:aws:s3:::${bucket}/data/*`))));
    const script = [
      'import sys, boto3, botocore',
      `s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="${REGION}", aws_access_key_id=sys.argv[2], aws_secret_access_key="x", config=botocore.config.Config(retries={"max_attempts": 1}))`,
      `print(s3.get_object(Bucket="${bucket}", Key="data/a.txt")["Body"].read().decode())`,
      'try:',
      `    s3.put_object(Bucket="${bucket}", Key="data/z.txt", Body=b"z")`,
      'except botocore.exceptions.ClientError as e:',
      '    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])',
    ].join('\n');
    const { stdout } = await run('.venv/bin/python', ['-c', script, h.proxy.url, key], { timeout: 60_000 });
    assert.deepEqual(stdout.trim().split('\n'), ['a', 'AccessDenied 403']);
  });
});

describe('the IAM proxy with enforcement off', () => {
  test('forwards a denied call, reports the denial through observe, and warns loudly on stderr', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let h: ProxyHarness;
    try {
      h = await startHarness({ enforce: false });
    } finally {
      process.stderr.write = write;
    }
    assert.match(written.join(''), /IAM ENFORCEMENT IS OFF/);
    try {
      const bucket = uniqueName('iam-off');
      await h.clients(ADMIN_KEY).s3.send(new CreateBucketCommand({ Bucket: bucket }));
      h.principals.set('AKIAOFF', principal(policy(allow('s3:GetObject', 'arn:aws:s3:::nothing/*'))));
      await h.clients('AKIAOFF').s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
      const call = h.observed.findLast((c) => c.operation === 'PutObject')!;
      assert.deepEqual([call.enforced, call.decision.allowed, call.decision.denied?.result], [false, false, CheckResult.ImplicitlyDenied]);
    } finally {
      await h.close();
    }
  });
});

describe('startIamProxy options', () => {
  test('a missing or non-http upstream is a ProxyOptionsError', async () => {
    for (const upstream of ['', 'not a url', 'https://127.0.0.1:1']) {
      await assert.rejects(startIamProxy({ upstream, world: world(), principalFor: () => undefined }), ProxyOptionsError, upstream);
    }
  });
});
