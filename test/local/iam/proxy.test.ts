import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
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
  /**
   * The proxy (a server fixture) and what it guards, made once: a bucket
   * holding data/a.txt, a table and a KMS key. Tests never change these;
   * each adds principals under fresh access keys, and writes only objects
   * under a prefix of its own, or buckets of its own.
   */
  let h: ProxyHarness;
  let admin: Clients;
  const bucket = uniqueName('iam-src');
  const table = uniqueName('iam-catalog');
  let keyArn: string;

  beforeAll(async () => {
    h = await startHarness();
    admin = h.clients(ADMIN_KEY);
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
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

  /** Reads data/ of the bucket, and lists it. */
  const reader = () => as(allow('s3:GetObject', `arn:aws:s3:::${bucket}/data/*`), allow('s3:ListBucket', `arn:aws:s3:::${bucket}`, { StringLike: { 's3:prefix': ['data/*'] } }));

  /** The calls observed from now on (the log is the proxy's, shared by the tests). */
  const observedFromNow = () => {
    const from = h.observed.length;
    return () => h.observed.slice(from);
  };

  /** A new bucket encrypted under the key, added to the world after the proxy started. */
  const sseKmsBucket = async (): Promise<string> => {
    const kmsBucket = uniqueName('iam-vault');
    await admin.s3.send(new CreateBucketCommand({ Bucket: kmsBucket }));
    h.world.bucketKeys.set(kmsBucket, keyArn);
    return kmsBucket;
  };

  /** Writes to an SSE-KMS bucket, with kms:GenerateDataKey on its key through S3 as CDK grants it. */
  const sseKmsWriter = (kmsBucket: string) =>
    as(
      allow('s3:PutObject', `arn:aws:s3:::${kmsBucket}/*`),
      allow('kms:GenerateDataKey', keyArn, { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${kmsBucket}` } }),
    );

  /** Objects under a prefix of the test's own, and a principal allowed to delete all of them but those under keep/. */
  const deletable = async () => {
    const prefix = `${uniqueName('del')}/`;
    const keys = [`${prefix}a`, `${prefix}b`, `${prefix}keep/c`];
    for (const Key of keys) await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    const deleter = as(allow('s3:DeleteObject', `arn:aws:s3:::${bucket}/*`), deny('s3:DeleteObject', `arn:aws:s3:::${bucket}/${prefix}keep/*`));
    return { prefix, keys, deleter };
  };

  /** Signs a moto-api request as `key` (enough for the proxy to know the caller). */
  const sign = (key: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=x` });

  test('S3: allowed calls reach moto', async () => {
    // Prepare
    const client = reader();

    // Act
    const got = await client.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/a.txt' }));
    const listed = await client.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'data/' }));

    // Assess
    assert.equal(await got.Body!.transformToString(), 'a');
    assert.equal(listed.KeyCount, 1);
  });

  test('S3: a denied call raises AccessDenied (403) with the AWS message', async () => {
    // Prepare
    const client = reader();

    // Act
    const put = await failure(client.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/b.txt', Body: 'b' })));
    const list = await failure(client.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'other/' })));

    // Assess
    assert.equal(put.name, 'AccessDenied');
    assert.equal(put.$metadata?.httpStatusCode, 403);
    assert.equal(
      put.message,
      `User: ${ROLE_ARN} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/data/b.txt" because no identity-based policy allows the s3:PutObject action`,
    );
    assert.equal(list.name, 'AccessDenied');
  });

  test('S3: a denied HEAD is a bare 403', async () => {
    // Prepare
    const client = reader();

    // Act
    const head = await failure(client.s3.send(new HeadBucketCommand({ Bucket: bucket })));
    const headObject = await failure(client.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));

    // Assess
    assert.equal(head.$metadata?.httpStatusCode, 403, 'HeadBucket needs s3:ListBucket without a prefix');
    assert.equal(headObject.$metadata?.httpStatusCode, 403);
  });

  test('observe sees every S3 call with its decision', async () => {
    // Prepare
    const client = reader();
    const observed = observedFromNow();

    // Act
    await client.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/a.txt' }));
    await client.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'data/' }));
    await failure(client.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/b.txt', Body: 'b' })));
    await failure(client.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'other/' })));
    await failure(client.s3.send(new HeadBucketCommand({ Bucket: bucket })));
    await failure(client.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));

    // Assess
    const calls = observed()
      .filter((c) => c.principal === ROLE_ARN && c.service === 's3')
      .map((c) => [c.operation, c.decision.allowed]);
    assert.deepEqual(calls, [
      ['GetObject', true],
      ['ListObjectsV2', true],
      ['PutObject', false],
      ['ListObjectsV2', false],
      ['HeadBucket', false],
      ['HeadObject', false],
    ]);
  });

  test('large uploads stream through (single PutObject and multipart)', async () => {
    // Prepare
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const prefix = `${uniqueName('big')}/`;
    const writer = as(allow(['s3:PutObject', 's3:GetObject'], `arn:aws:s3:::${bucket}/${prefix}*`));

    // Act
    await writer.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}one`, Body: body }));
    const upload = await writer.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${prefix}parts` }));
    const part = await writer.s3.send(new UploadPartCommand({ Bucket: bucket, Key: `${prefix}parts`, UploadId: upload.UploadId, PartNumber: 1, Body: body }));
    await writer.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: `${prefix}parts`, UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));

    // Assess
    for (const Key of [`${prefix}one`, `${prefix}parts`]) {
      const got = await writer.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), body, Key);
    }
  });

  test('a denied large upload is refused', async () => {
    // Prepare
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const readOnly = as(allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`));

    // Act
    const denied = await failure(readOnly.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${uniqueName('big')}/two`, Body: body })));

    // Assess
    assert.equal(denied.name, 'AccessDenied');
  });

  test('DeleteObjects with one denied key deletes the others and reports the denied one as AccessDenied', async () => {
    // Prepare
    const { prefix, keys, deleter } = await deletable();

    // Act
    const out = await deleter.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));

    // Assess
    assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), [`${prefix}a`, `${prefix}b`]);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [[`${prefix}keep/c`, 'AccessDenied']]);
    const left = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    assert.deepEqual(left.Contents?.map((o) => o.Key), [`${prefix}keep/c`]);
  });

  test('a quiet DeleteObjects of denied keys alone still reports them, and deletes nothing', async () => {
    // Prepare
    const { prefix, deleter } = await deletable();

    // Act
    const all = await deleter.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: `${prefix}keep/c` }], Quiet: true } }));

    // Assess
    assert.deepEqual(all.Errors?.map((e) => [e.Key, e.Code]), [[`${prefix}keep/c`, 'AccessDenied']]);
    assert.equal((await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).KeyCount, 3);
  });

  test('an SSE-KMS bucket (added to the world after the proxy started) denies PutObject without kms:GenerateDataKey on its key', async () => {
    // Prepare
    const kmsBucket = await sseKmsBucket();
    const writer = as(allow('s3:PutObject', `arn:aws:s3:::${kmsBucket}/*`));

    // Act
    const denied = await failure(writer.s3.send(new PutObjectCommand({ Bucket: kmsBucket, Key: 'pack', Body: 'x' })));

    // Assess
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, new RegExp(`not authorized to perform: kms:GenerateDataKey on resource: "${keyArn}"`));
  });

  test('an SSE-KMS bucket takes a PutObject with kms:GenerateDataKey on its key through S3', async () => {
    // Prepare
    const kmsBucket = await sseKmsBucket();
    const granted = sseKmsWriter(kmsBucket);

    // Act
    await granted.s3.send(new PutObjectCommand({ Bucket: kmsBucket, Key: 'pack', Body: 'x' }));

    // Assess
    assert.equal((await admin.s3.send(new HeadObjectCommand({ Bucket: kmsBucket, Key: 'pack' }))).ContentLength, 1);
  });

  test('reading from an SSE-KMS bucket needs s3:GetObject and kms:Decrypt', async () => {
    // Prepare
    const kmsBucket = await sseKmsBucket();
    const granted = sseKmsWriter(kmsBucket);
    await granted.s3.send(new PutObjectCommand({ Bucket: kmsBucket, Key: 'pack', Body: 'x' }));

    // Act
    const read = await failure(granted.s3.send(new GetObjectCommand({ Bucket: kmsBucket, Key: 'pack' })));

    // Assess
    assert.equal(read.name, 'AccessDenied', 'reading needs s3:GetObject and kms:Decrypt');
  });

  test('DynamoDB: an allowed GetItem reaches moto', async () => {
    // Prepare
    const itemReader = as(allow('dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`));

    // Act
    const got = await itemReader.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' } } }));

    // Assess
    assert.equal(got.$metadata.httpStatusCode, 200);
  });

  test('DynamoDB: a denied PutItem raises AccessDeniedException (400) with the AWS message', async () => {
    // Prepare
    const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;
    const itemReader = as(allow('dynamodb:GetItem', tableArn));

    // Act
    const put = await failure(itemReader.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'x' } } })));

    // Assess
    assert.equal(put.name, 'AccessDeniedException');
    assert.equal(put.$metadata?.httpStatusCode, 400);
    assert.equal(put.message, `User: ${ROLE_ARN} is not authorized to perform: dynamodb:PutItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:PutItem action`);
  });

  test('DynamoDB: an unmapped operation is denied by name', async () => {
    // Prepare
    const everything = as(allow('dynamodb:*', '*'));

    // Act
    const unmapped = await failure(everything.dynamodb.send(new ListBackupsCommand({})));

    // Assess
    assert.equal(unmapped.name, 'AccessDeniedException');
    assert.match(unmapped.message, /no authorization rule for dynamodb operation ListBackups/);
  });

  /** A principal allowed GenerateDataKey and Decrypt on the key in the context vault=v1 only. */
  const vaultV1 = () => as(allow(['kms:GenerateDataKey', 'kms:Decrypt'], keyArn, { StringEquals: { 'kms:EncryptionContext:vault': 'v1' } }));

  test('KMS: the encryption context condition allows vault=v1 and denies vault=v2', async () => {
    // Prepare
    const vault = vaultV1();

    // Act
    const key = await vault.kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { vault: 'v1' } }));
    const other = await failure(vault.kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { vault: 'v2' } })));

    // Assess
    assert.ok(key.Plaintext);
    assert.equal(other.name, 'AccessDeniedException');
  });

  test('KMS: Decrypt without KeyId is authorized on the key in the moto blob', async () => {
    // Prepare
    const vault = vaultV1();
    const key = await vault.kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { vault: 'v1' } }));
    const stranger = as(allow('kms:Decrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`));

    // Act
    const plain = await vault.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob, EncryptionContext: { vault: 'v1' } }));
    const strangers = await failure(stranger.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob, EncryptionContext: { vault: 'v1' } })));

    // Assess
    assert.deepEqual(plain.Plaintext, key.Plaintext);
    assert.equal(strangers.name, 'AccessDeniedException');
  });

  test('Lambda Invoke is denied (403 AccessDeniedException) without lambda:InvokeFunction', async () => {
    // Prepare
    const fn = uniqueName('iam-fn');

    // Act
    const denied = await failure(as(allow('s3:GetObject', '*')).lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })));

    // Assess
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata?.httpStatusCode, 403);
    assert.match(denied.message, new RegExp(`lambda:InvokeFunction on resource: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn} `));
  });

  test('Lambda Invoke is forwarded with lambda:InvokeFunction', async () => {
    // Prepare
    const fn = uniqueName('iam-fn');

    // Act
    const forwarded = await failure(as(allow('lambda:InvokeFunction', '*')).lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') })));

    // Assess
    assert.equal(forwarded.name, 'ResourceNotFoundException', 'moto answered: the function does not exist');
  });

  test('SNS, SQS, Scheduler, Secrets Manager denials come in their protocols', async () => {
    // Prepare
    const topicArn = (await admin.sns.send(new CreateTopicCommand({ Name: uniqueName('iam-topic') }))).TopicArn!;
    const queueUrl = (await admin.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('iam-queue') }))).QueueUrl!;
    const secretArn = (await admin.secrets.send(new CreateSecretCommand({ Name: uniqueName('iam-secret'), SecretString: 'hunter2-password' }))).ARN!;
    const nobody = as(allow('s3:GetObject', 'arn:aws:s3:::nothing/*'));

    // Act
    const sns = await failure(nobody.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' })));
    const sqs = await failure(nobody.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hi' })));
    const schedule = await failure(
      as(allow('scheduler:CreateSchedule', '*')).scheduler.send(
        new CreateScheduleCommand({ Name: uniqueName('iam-s'), ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: topicArn, RoleArn: `arn:aws:iam::${ACCOUNT}:role/sched` } }),
      ),
    );
    const secret = await failure(nobody.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));

    // Assess
    assert.deepEqual([sns.name, sns.$metadata?.httpStatusCode], ['AuthorizationErrorException', 403]);
    assert.deepEqual([sqs.name, sqs.$metadata?.httpStatusCode], ['AccessDeniedException', 400]);
    assert.equal(schedule.name, 'AccessDeniedException');
    assert.match(schedule.message, /iam:PassRole on resource: arn:aws:iam::\d+:role\/sched/);
    assert.equal(secret.name, 'AccessDeniedException');
  });

  test('observe sees EventBridge entries', async () => {
    // Prepare
    const topicArn = (await admin.sns.send(new CreateTopicCommand({ Name: uniqueName('iam-topic') }))).TopicArn!;
    const publisher = as(allow('sns:Publish', topicArn), allow('events:PutEvents', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`));
    const observed = observedFromNow();

    // Act
    await publisher.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' }));
    await publisher.events.send(new PutEventsCommand({ Entries: [{ Source: 'haven', DetailType: 'Backup Completed', Detail: '{"job":"j1"}' }] }));

    // Assess
    const put = observed().findLast((c) => c.operation === 'PutEvents')!;
    assert.deepEqual(put.parameters.Entries, [{ Source: 'haven', DetailType: 'Backup Completed', Detail: '{"job":"j1"}' }]);
    assert.equal(put.decision.allowed, true);
  });

  test('observe never sees a secret value', async () => {
    // Prepare
    const nobody = as(allow('s3:GetObject', 'arn:aws:s3:::nothing/*'));
    const observed = observedFromNow();

    // Act
    const secretArn = (await admin.secrets.send(new CreateSecretCommand({ Name: uniqueName('iam-secret'), SecretString: 'hunter2-password' }))).ARN!;
    await failure(nobody.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));

    // Assess
    const created = observed().findLast((c) => c.operation === 'CreateSecret')!;
    assert.equal(created.principal, 'unrestricted');
    assert.equal(created.parameters.SecretString, '[redacted]');
    assert.ok(!JSON.stringify(h.observed).includes('hunter2'), 'no observed call carries the secret value');
  });

  test('an unknown access key gets the error AWS gives for one', async () => {
    // Prepare
    const stranger = h.clients('AKIANOBODYISSUED');

    // Act
    const s3 = await failure(stranger.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/a.txt' })));
    const ddb = await failure(stranger.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' } } })));

    // Assess
    assert.deepEqual([s3.name, s3.$metadata?.httpStatusCode], ['InvalidAccessKeyId', 403]);
    assert.equal(ddb.name, 'UnrecognizedClientException');
  });

  test('moto-api is for unrestricted callers only', async () => {
    // Prepare
    const restricted = uniqueName('AKIA').toUpperCase();
    h.principals.set(restricted, principal(policy(allow('s3:GetObject', '*'))));

    // Act
    const unsigned = await fetch(`${h.proxy.url}/moto-api/config`);
    const asRestricted = await fetch(`${h.proxy.url}/moto-api/config`, { headers: sign(restricted) });
    const asAdmin = await fetch(`${h.proxy.url}/moto-api/config`, { headers: sign(ADMIN_KEY) });

    // Assess
    assert.equal(unsigned.status, 400);
    assert.equal(asRestricted.status, 403);
    assert.ok(asAdmin.ok, 'moto answers an unrestricted caller');
  });

  test('boto3 (as moto\'s Step Functions interpreter calls through the proxy) is authorized the same way', async () => {
    // Prepare
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

    // Act
    const { stdout } = await run('.venv/bin/python', ['-c', script, h.proxy.url, key], { timeout: 60_000 });

    // Assess
    assert.deepEqual(stdout.trim().split('\n'), ['a', 'AccessDenied 403']);
  });
});

describe('the IAM proxy with enforcement off', () => {
  /** Starts a harness with enforcement off for the test (closed when it ends); returns it and what it wrote to stderr. */
  async function unenforced(t: Pick<TestContext, 'onTestFinished'>): Promise<{ h: ProxyHarness; stderr: string }> {
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
    t.onTestFinished(() => h.close());
    return { h, stderr: written.join('') };
  }

  test('warns loudly on stderr as it starts', async (t) => {
    // Act
    const { stderr } = await unenforced(t);

    // Assess
    assert.match(stderr, /IAM ENFORCEMENT IS OFF/);
  });

  test('forwards a denied call and reports the denial through observe', async (t) => {
    // Prepare
    const { h } = await unenforced(t);
    const bucket = uniqueName('iam-off');
    await h.clients(ADMIN_KEY).s3.send(new CreateBucketCommand({ Bucket: bucket }));
    h.principals.set('AKIAOFF', principal(policy(allow('s3:GetObject', 'arn:aws:s3:::nothing/*'))));

    // Act
    await h.clients('AKIAOFF').s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));

    // Assess
    const call = h.observed.findLast((c) => c.operation === 'PutObject')!;
    assert.deepEqual([call.enforced, call.decision.allowed, call.decision.denied?.result], [false, false, CheckResult.ImplicitlyDenied]);
  });
});

describe('startIamProxy options', () => {
  test('a missing or non-http upstream is a ProxyOptionsError', async () => {
    for (const upstream of ['', 'not a url', 'https://127.0.0.1:1']) {
      // Act
      const starting = startIamProxy({ upstream, world: world(), principalFor: () => undefined });

      // Assess
      await assert.rejects(starting, ProxyOptionsError, upstream);
    }
  });
});
