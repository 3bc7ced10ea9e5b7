/**
 * The seed's hourly route limits, per caller: a token bucket per caller and
 * route in the catalog table (the emulator's DynamoDB), refilled at the
 * hourly rate, answering 429 `rate_limited` with `Retry-After` once a
 * caller's budget for a route is spent, while other callers and other
 * routes go on; concurrent requests never take more than the budget.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient } from '../../../vault/aws/clients.js';
import { serialClient } from '../catalog/serial-client.js';
import type { ApiDeps } from '../../../control/api/deps.js';
import { RateLimitedError } from '../../../control/api/errors.js';
import { CatalogRateLimiter, takeToken } from '../../../control/api/rate-limit.js';
import { route, type ApiRoute } from '../../../control/api/route.js';
import { API_ROUTES, RATE_LIMITS } from '../../../control/api/routes.js';
import { createApiHandler } from '../../../functions/api/app.js';
import { HavenEnv } from '../../../control/env.js';
import { apiDepsFromEnv } from '../../../functions/api/deps.js';
import { createCatalogTable } from '../catalog/table.js';
import { fakeApiEvent, fakeLambdaContext } from '../../infra/support/lambda-context.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A limiter on a table of its own, with a clock the test moves. */
async function freshLimiter(options: { serial?: boolean } = { serial: true }) {
  const table = await createCatalogTable();
  let now = START;
  // moto's threaded server can let two conditional writes of one item both pass (DynamoDB serializes
  // them per item): writes go one at a time, so the test checks the limiter's condition, not moto's threads.
  const limiter = new CatalogRateLimiter(table, { now: () => now, ...(options.serial ? { client: serialClient().client } : {}) });
  return {
    table,
    limiter,
    now: () => now,
    advance: (ms: number) => void (now += ms),
  };
}

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';

/** A bucket of 3 an hour, all three taken at time 0. */
function spentBucket(): Parameters<typeof takeToken>[0] {
  let state = undefined as Parameters<typeof takeToken>[0];
  for (let n = 0; n < 3; n++) {
    const taken = takeToken(state, 0, 3);
    assert.equal(taken.allowed, true, `request ${n + 1}`);
    if (taken.allowed) state = taken.state;
  }
  return state;
}

test('a bucket holds the hourly limit', () => {
  // Prepare
  const state = spentBucket();

  // Act
  const fourth = takeToken(state, 0, 3);

  // Assess
  assert.deepEqual(fourth, { allowed: false, retryAfterSeconds: 1200 }, 'one token every 20 minutes');
});

test('a bucket refills at the hourly rate', () => {
  // Prepare
  const state = spentBucket();

  // Act
  const early = takeToken(state, 600_000, 3);
  const onTime = takeToken(state, 1_200_000, 3);

  // Assess
  assert.deepEqual(early, { allowed: false, retryAfterSeconds: 600 });
  assert.equal(onTime.allowed, true);
});

test('a long pause refills a bucket up to the limit, never past it', () => {
  // Prepare
  const state = spentBucket();

  // Act
  const later = takeToken(state, 10 * HOUR, 3);

  // Assess
  assert.ok(later.allowed && later.state.tokens === 2);
});

const RESTORES = 'POST /backup/restores';
const PER_HOUR = RATE_LIMITS.createRestore;

/** A fresh limiter where ALICE has spent her budget for creating restores. */
async function aliceSpent() {
  const fresh = await freshLimiter();
  for (let n = 0; n < PER_HOUR; n++) await fresh.limiter.take(ALICE, RESTORES, PER_HOUR);
  return fresh;
}

test('a caller spends a route\'s budget, then gets RateLimitedError with the wait', async () => {
  // Prepare
  const { limiter } = await aliceSpent();

  // Act
  const take = () => limiter.take(ALICE, RESTORES, PER_HOUR);

  // Assess
  await assert.rejects(take, (error: unknown) => error instanceof RateLimitedError && error.status === 429 && error.retryAfterSeconds === HOUR / PER_HOUR / 1000);
});

test('the bucket is a catalog item that expires once full again', async () => {
  // Prepare
  const { limiter, table, now } = await freshLimiter();

  // Act
  for (let n = 0; n < PER_HOUR; n++) await limiter.take(ALICE, RESTORES, PER_HOUR);

  // Assess
  const item = (await dynamoDbDocumentClient().send(new GetCommand({ TableName: table, Key: { pk: `RATE#${RESTORES}#${ALICE}`, sk: 'RATE' } }))).Item;
  assert.ok(item);
  assert.equal(item.expires_at, Math.ceil((now() + HOUR) / 1000), 'gone when it would be full again');
});

test('other callers and other routes have budgets of their own', async () => {
  // Prepare
  const { limiter } = await aliceSpent();

  // Act
  const bob = limiter.take(BOB, RESTORES, PER_HOUR);
  const aliceJobs = () => limiter.take(ALICE, 'POST /backup/jobs', RATE_LIMITS.createJob);

  // Assess
  await assert.doesNotReject(bob);
  await assert.doesNotReject(aliceJobs);
});

test('time refills one request', async () => {
  // Prepare
  const { limiter, advance } = await aliceSpent();
  advance(HOUR / PER_HOUR);

  // Act
  const refilled = limiter.take(ALICE, RESTORES, PER_HOUR);

  // Assess
  await assert.doesNotReject(refilled);
  await assert.rejects(limiter.take(ALICE, RESTORES, PER_HOUR), RateLimitedError);
});

test('concurrent requests take no more than the budget', async () => {
  // Prepare
  const { limiter } = await freshLimiter();

  // Act
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => limiter.take('arn:aws:iam::123456789012:role/burst', 'POST /backup/backups/{backup_id}/verify', 3)));

  // Assess
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RateLimitedError || (r.reason as Error).name === 'ServiceUnavailableApiError', String(r.reason));
});

/** The API function serving two probe routes, `/limited` (2 an hour) and `/free`, to one caller. */
async function probeApi() {
  const limited = route({
    method: 'GET', path: '/limited', operationId: 'limited', summary: 'probe', tag: 'service', invalidError: 'invalid_request',
    success: { status: 200, description: 'ok' }, errors: [], rateLimitPerHour: 2,
    handle: async () => ({ ok: true }),
  });
  const free = route({ method: 'GET', path: '/free', operationId: 'free', summary: 'probe', tag: 'service', invalidError: 'invalid_request', success: { status: 200, description: 'ok' }, errors: [], handle: async () => ({ ok: true }) });
  const { limiter } = await freshLimiter({ serial: false });
  const deps = { rateLimiter: limiter, version: 'test' } as unknown as ApiDeps;
  const handler = createApiHandler(() => deps, [limited, free] as ApiRoute[]);
  return (path: string) => {
    const event = fakeApiEvent(path);
    event.requestContext.identity.userArn = 'arn:aws:iam::123456789012:user/carol' as never;
    return handler(event as never, fakeLambdaContext()) as Promise<APIGatewayProxyResult>;
  };
}

test('through the API function: the limited route answers 429 rate_limited with Retry-After in the API\'s error shape', async () => {
  // Prepare
  const call = await probeApi();

  // Act
  const first = await call('/limited');
  const second = await call('/limited');
  const refused = await call('/limited');

  // Assess
  assert.equal(first.statusCode, 200);
  assert.equal(second.statusCode, 200);
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.headers?.['retry-after'], '1800');
  assert.deepEqual(JSON.parse(refused.body).error, 'rate_limited');
});

test('through the API function: unlimited routes are not counted', async () => {
  // Prepare
  const call = await probeApi();
  for (let n = 0; n < 3; n++) await call('/limited');

  // Act
  const statuses: number[] = [];
  for (let n = 0; n < 5; n++) statuses.push((await call('/free')).statusCode);

  // Assess
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
});

test('the route table still carries the seed\'s limits the function enforces', () => {
  // Act
  const limits = Object.fromEntries(API_ROUTES.filter((r) => r.rateLimitPerHour !== undefined).map((r) => [`${r.method} ${r.path}`, r.rateLimitPerHour]));

  // Assess
  assert.deepEqual(limits, {
    'POST /backup/jobs': RATE_LIMITS.createJob,
    'POST /backup/jobs/{job_id}/execute': RATE_LIMITS.execute,
    'POST /backup/backups/{backup_id}/verify': RATE_LIMITS.verify,
    'POST /backup/restores': RATE_LIMITS.createRestore,
  });
});

const DEPLOYED_ENV = {
  HAVEN_CATALOG_TABLE: 'haven-catalog',
  HAVEN_BACKUP_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:b',
  HAVEN_RESTORE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:r',
  HAVEN_VERIFY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:v',
  HAVEN_SCHEDULE_GROUP: 'haven',
  HAVEN_SCHEDULE_ROLE_ARN: 'arn:aws:iam::123456789012:role/s',
};

test('the deployed API function enforces the limits', () => {
  // Act
  const deps = apiDepsFromEnv(DEPLOYED_ENV);

  // Assess
  assert.ok(deps.rateLimiter instanceof CatalogRateLimiter);
});

test('HAVEN_API_RATE_LIMITS=off (a local cloud\'s tests) turns the limits off', () => {
  // Act
  const deps = apiDepsFromEnv({ ...DEPLOYED_ENV, [HavenEnv.ApiRateLimits]: 'off' });

  // Assess
  assert.equal(deps.rateLimiter, undefined);
});
