/**
 * Distributed Map on the emulator (local/emulator/moto_distributed_map.py): ItemBatcher, the worker
 * cap, the tolerated failure threshold, Retry inside children, a small parent history, and the
 * ItemReader's S3 read routed as the state machine's role, and the suite's shortened Retry waits. Each test runs its own state machine
 * on the suite's moto server; Lambda tasks go to a function host this file serves itself.
 */
import type { TestContext as VitestContext } from 'vitest';
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateRoleCommand, IAMClient, type Tag } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { AwsService, baseClientConfig } from '../../vault/aws/clients.js';
import { uniqueName } from '../helpers/names.js';

type TestContext = Pick<VitestContext, 'onTestFinished'>;
type Json = Record<string, unknown>;

const sfn = new SFNClient(baseClientConfig(AwsService.SFN));
const s3 = new S3Client({ ...baseClientConfig(AwsService.S3), forcePathStyle: true });
const iam = new IAMClient(baseClientConfig(AwsService.S3));
const lambda = new LambdaClient(baseClientConfig(AwsService.S3));

/** What moto_launcher.py reads: the function host's URL, and the IAM proxy's. */
const FUNCTION_HOST_VARIABLE = 'HAVEN_LOCAL_FUNCTION_HOST';
const PROXY_TAG = 'haven:local-proxy';
/** moto_distributed_map.MAX_WORKER_THREADS. */
const MAX_WORKER_THREADS = 64;

async function role(tags: Tag[] = []): Promise<{ name: string; arn: string }> {
  const name = uniqueName('map-role');
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: '{}', Tags: tags }));
  return { name, arn: out.Role!.Arn! };
}

/** A bucket holding `items` as one JSON array object, `items.json`. */
async function itemsInS3(items: unknown[]): Promise<{ bucket: string; key: string }> {
  const bucket = uniqueName('map-items');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'items.json', Body: JSON.stringify(items) }));
  return { bucket, key: 'items.json' };
}

const PASS_CHILD = { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } };

/** A definition whose one state, Fan, is a Distributed Map with `fields` running `child`. */
function distributedMap(fields: Json, child: Json = PASS_CHILD): Json {
  return {
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Map', ...fields, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...child }, End: true },
    },
  };
}

function readerOf(source: { bucket: string; key: string }): Json {
  return { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: source.bucket, Key: source.key } } };
}

async function createStateMachine(definition: Json, roleArn?: string): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName('map'), definition: JSON.stringify(definition), roleArn: roleArn ?? (await role()).arn }),
  );
  return out.stateMachineArn!;
}

interface Run {
  execution: DescribeExecutionCommandOutput;
  output: unknown;
  history: HistoryEvent[];
}

/** Runs `definition` on `input` to its end. */
async function run(definition: Json, input: Json = {}, roleArn?: string): Promise<Run> {
  const stateMachineArn = await createStateMachine(definition, roleArn);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  let execution: DescribeExecutionCommandOutput;
  for (;;) {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const history: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    history.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return { execution, output: execution.output === undefined ? undefined : JSON.parse(execution.output), history };
}

type Batch = { Items: unknown[]; BatchInput?: unknown };

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An HTTP server on loopback, closed when the test ends. */
async function serve(t: TestContext, handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<string> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Reply = { result: unknown } | { error: { errorType: string; errorMessage: string } };

/** A Lambda function in moto whose invocations `answer` serves, as the local function host would. */
async function localFunction(t: TestContext, answer: (event: unknown) => Promise<Reply>): Promise<string> {
  const host = await serve(t, async (request, response) => {
    const { payload } = JSON.parse(await body(request)) as { payload: unknown };
    const reply = await answer(payload);
    if ('error' in reply) response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(reply.error));
    else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.result));
  });
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: uniqueName('map-fn'),
      Runtime: 'nodejs22.x',
      Role: (await role()).arn,
      Handler: 'index.handler',
      Code: { ZipFile: Buffer.from('PK\u0005\u0006'.padEnd(22, '\u0000'), 'binary') },
      Environment: { Variables: { [FUNCTION_HOST_VARIABLE]: host } },
    }),
  );
  return out.FunctionArn!;
}

/** A Task child calling `functionArn` on each batch. */
function lambdaChild(functionArn: string, extra: Json = {}): Json {
  return { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: functionArn, End: true, ...extra } } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts invocations running at once. */
function concurrencyGauge(delayMs: number) {
  const gauge = { running: 0, peak: 0, calls: 0 };
  const answer = async (event: unknown): Promise<Reply> => {
    gauge.calls += 1;
    gauge.running += 1;
    gauge.peak = Math.max(gauge.peak, gauge.running);
    await sleep(delayMs);
    gauge.running -= 1;
    return { result: event };
  };
  return { gauge, answer };
}

test('2,500 items in S3 with MaxItemsPerBatch 100 run 25 children of 100 items, each with BatchInput evaluated from the state input', async () => {
  // Prepare
  const source = await itemsInS3(Array.from({ length: 2500 }, (_, id) => ({ id })));
  const definition = distributedMap({ ...readerOf(source), ItemBatcher: { MaxItemsPerBatch: 100, BatchInput: { 'run.$': '$.run', fixed: 'f' } } });

  // Act
  const { execution, output } = await run(definition, { run: 'run-1' });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  const batches = output as Batch[];
  assert.equal(batches.length, 25);
  assert.ok(batches.every((b) => b.Items.length === 100));
  assert.ok(batches.every((b) => JSON.stringify(b.BatchInput) === JSON.stringify({ run: 'run-1', fixed: 'f' })));
  assert.deepEqual(batches.flatMap((b) => b.Items), Array.from({ length: 2500 }, (_, id) => ({ id })));
});

test('each child receives exactly {Items, BatchInput}, with ItemSelector applied to each item before batching', async () => {
  // Prepare
  const definition = distributedMap({
    ItemsPath: '$.ids',
    ItemSelector: { 'id.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'run.$': '$.run' },
    ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'run.$': '$.run' } },
  });

  // Act
  const { execution, output } = await run(definition, { ids: ['a', 'b', 'c'], run: 'r' });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual(output, [
    { Items: [{ id: 'a', index: 0, run: 'r' }, { id: 'b', index: 1, run: 'r' }], BatchInput: { run: 'r' } },
    { Items: [{ id: 'c', index: 2, run: 'r' }], BatchInput: { run: 'r' } },
  ]);
});

test('MaxItemsPerBatchPath reads the batch size from the state input', async () => {
  // Prepare
  const definition = distributedMap({ ItemsPath: '$.ids', ItemBatcher: { MaxItemsPerBatchPath: '$.size' } });

  // Act
  const { execution, output } = await run(definition, { ids: [1, 2, 3, 4, 5, 6, 7], size: 3 });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual((output as Batch[]).map((b) => b.Items), [[1, 2, 3], [4, 5, 6], [7]]);
});

test('MaxInputBytesPerBatch splits batches so no child input exceeds it', async () => {
  // Prepare: each item is 100 bytes of JSON; {"Items":[]} is 12, so three items (12 + 100 + 2 × 101) fit in 350 and four do not.
  const items = Array.from({ length: 10 }, (_, i) => ({ pad: `${i}`.padEnd(100 - '{"pad":""}'.length, 'x') }));
  assert.ok(items.every((item) => JSON.stringify(item).length === 100));
  const definition = distributedMap({ ItemsPath: '$.items', ItemBatcher: { MaxInputBytesPerBatch: 350 } });

  // Act
  const { execution, output } = await run(definition, { items });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  const batches = output as Batch[];
  assert.deepEqual(batches.map((b) => b.Items.length), [3, 3, 3, 1]);
  assert.ok(batches.every((b) => Buffer.byteLength(JSON.stringify(b)) <= 350));
  assert.deepEqual(batches.flatMap((b) => b.Items), items);
});

test('DescribeStateMachine returns the definition with its ItemBatcher, as written', async () => {
  // Prepare
  const definition = distributedMap({ ItemsPath: '$.ids', ItemBatcher: { MaxItemsPerBatch: 10, MaxInputBytesPerBatch: 4096, BatchInput: { 'k.$': '$.k' } } });

  // Act
  const stateMachineArn = await createStateMachine(definition);
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));

  // Assess
  assert.deepEqual(JSON.parse(described.definition!), definition);
});

test('an ItemBatcher with both MaxItemsPerBatch and MaxItemsPerBatchPath is rejected at CreateStateMachine', async () => {
  // Prepare
  const definition = distributedMap({ ItemsPath: '$.ids', ItemBatcher: { MaxItemsPerBatch: 10, MaxItemsPerBatchPath: '$.n' } });

  // Act
  const created = createStateMachine(definition);

  // Assess: a 400 (moto 5.2.5 sends every InvalidDefinition with a null __type, which the SDK cannot name)
  await assert.rejects(created, (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 400);
});

test('the parent history of a 2,500-item Map holds the Map Run events, none of the children\'s', async () => {
  // Prepare
  const source = await itemsInS3(Array.from({ length: 2500 }, (_, id) => ({ id })));
  const definition = distributedMap({ ...readerOf(source), ItemBatcher: { MaxItemsPerBatch: 100 } });

  // Act
  const { execution, history } = await run(definition);

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual(
    history.map((e) => e.type),
    ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'],
  );
});

test('a failed child fails the Map with States.ExceedToleratedFailureThreshold, the child\'s error named in the cause', async () => {
  // Prepare
  const child = {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.Items[0]', NumericEquals: 4, Next: 'Broken' }], Default: 'Fine' },
      Broken: { Type: 'Fail', Error: 'ChildBroke', Cause: 'item 4' },
      Fine: { Type: 'Pass', End: true },
    },
  };
  const definition = distributedMap({ ItemsPath: '$.ids', ItemBatcher: { MaxItemsPerBatch: 2 } }, child);

  // Act
  const { execution, history } = await run(definition, { ids: [0, 1, 2, 3, 4, 5, 6, 7] });

  // Assess
  assert.equal(execution.status, 'FAILED');
  assert.equal(execution.error, 'States.ExceedToleratedFailureThreshold');
  assert.match(execution.cause ?? '', /ChildBroke: item 4/);
  const mapRunFailed = history.find((e) => e.type === 'MapRunFailed');
  assert.equal(mapRunFailed?.mapRunFailedEventDetails?.error, 'States.ExceedToleratedFailureThreshold');
});

test('ToleratedFailureCount lets that many failed items through and the Map succeeds', async () => {
  // Prepare
  const child = {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 4, Next: 'Broken' }], Default: 'Fine' },
      Broken: { Type: 'Fail', Error: 'ChildBroke' },
      Fine: { Type: 'Pass', End: true },
    },
  };
  const definition = distributedMap({ ItemsPath: '$.ids', ToleratedFailureCount: 1 }, child);

  // Act
  const { execution, output } = await run(definition, { ids: [0, 1, 2, 3, 4, 5] });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual(output, [0, 1, 2, 3, null, 5]);
});

test('a Retry on the Lambda Task inside the child retries each child on its own', async (t) => {
  // Prepare: every batch's first attempt fails with a retryable error, its second succeeds.
  const attempts = new Map<string, number>();
  const functionArn = await localFunction(t, async (event) => {
    const key = JSON.stringify((event as Batch).Items);
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    return attempts.get(key) === 1 ? { error: { errorType: 'TransientError', errorMessage: 'try again' } } : { result: { done: key } };
  });
  const retry = { Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 2 }] };
  const definition = distributedMap({ ItemsPath: '$.ids', ItemBatcher: { MaxItemsPerBatch: 2 } }, lambdaChild(functionArn, retry));

  // Act
  const { execution, output } = await run(definition, { ids: [1, 2, 3, 4, 5, 6] });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual([...attempts.values()], [2, 2, 2]);
  assert.deepEqual(output, [{ done: '[1,2]' }, { done: '[3,4]' }, { done: '[5,6]' }]);
});

test('a Retry waits a tenth of its interval in the suite, and still makes every attempt (moto_launcher patch 8)', async (t) => {
  // Prepare: the first two attempts fail; unscaled, the waits would be 20 s and 40 s.
  let attempts = 0;
  const functionArn = await localFunction(t, async () => {
    attempts += 1;
    return attempts <= 2 ? { error: { errorType: 'TransientError', errorMessage: 'try again' } } : { result: { attempts } };
  });
  const definition = lambdaChild(functionArn, { Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 20, BackoffRate: 2, MaxAttempts: 2 }] });
  const started = Date.now();

  // Act
  const { execution, output } = await run(definition);

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual(output, { attempts: 3 });
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms: the 60 s of waits were not scaled`);
});

test('without MaxConcurrency at most 64 children run at once', async (t) => {
  // Prepare
  const { gauge, answer } = concurrencyGauge(300);
  const functionArn = await localFunction(t, answer);
  const definition = distributedMap({ ItemsPath: '$.ids' }, lambdaChild(functionArn));

  // Act
  const { execution } = await run(definition, { ids: Array.from({ length: 150 }, (_, i) => i) });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.equal(gauge.calls, 150);
  assert.ok(gauge.peak <= MAX_WORKER_THREADS, `peak ${gauge.peak}`);
  assert.ok(gauge.peak > 1, `peak ${gauge.peak}`);
});

test('MaxConcurrencyPath below the cap is honoured', async (t) => {
  // Prepare
  const { gauge, answer } = concurrencyGauge(100);
  const functionArn = await localFunction(t, answer);
  const definition = distributedMap({ ItemsPath: '$.ids', MaxConcurrencyPath: '$.limit' }, lambdaChild(functionArn));

  // Act
  const { execution } = await run(definition, { ids: Array.from({ length: 20 }, (_, i) => i), limit: 3 });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.equal(gauge.calls, 20);
  assert.ok(gauge.peak <= 3, `peak ${gauge.peak}`);
});

test('MaxConcurrency 1 runs 1,200 children one after another (moto\'s worker recursed once per child)', async () => {
  // Prepare
  const definition = distributedMap({ ItemsPath: '$.ids', MaxConcurrency: 1 });

  // Act
  const { execution, output } = await run(definition, { ids: Array.from({ length: 1200 }, (_, i) => i) });

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.equal((output as unknown[]).length, 1200);
});

test('the ItemReader reads S3 signed as the state machine role, through the proxy its tag names', async (t) => {
  // Prepare: a proxy that records each request's access key and forwards it to moto.
  const upstream = process.env.AWS_ENDPOINT_URL!;
  const seen: Array<{ method: string; path: string; accessKey: string | undefined }> = [];
  const proxy = await serve(t, async (request, response) => {
    const accessKey = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
    seen.push({ method: request.method!, path: request.url!, accessKey });
    const forwarded = await fetch(upstream + request.url, { method: request.method, headers: { authorization: request.headers.authorization ?? '' } });
    response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/octet-stream' });
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  const stateMachineRole = await role([{ Key: PROXY_TAG, Value: proxy }]);
  const source = await itemsInS3([1, 2, 3]);
  const definition = distributedMap({ ...readerOf(source), ItemBatcher: { MaxItemsPerBatch: 2 } });

  // Act
  const { execution } = await run(definition, {}, stateMachineRole.arn);

  // Assess
  assert.equal(execution.status, 'SUCCEEDED', execution.cause);
  assert.deepEqual(seen, [{ method: 'GET', path: `/${source.bucket}/${source.key}`, accessKey: stateMachineRole.name }]);
});
