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
const table = await createCatalogTable();
let clock = Date.parse('2026-01-01T00:00:00Z');
// moto's threaded server can let two conditional writes of one item both pass (DynamoDB serializes
// them per item): writes go one at a time, so the test checks the limiter's condition, not moto's threads.
const limiter = new CatalogRateLimiter(table, { now: () => clock, client: serialClient().client });
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';

test('a bucket holds the hourly limit and refills at that rate', () => {
  let state = undefined as Parameters<typeof takeToken>[0];
  for (let n = 0; n < 3; n++) {
    const taken = takeToken(state, 0, 3);
    assert.equal(taken.allowed, true, `request ${n + 1}`);
    if (taken.allowed) state = taken.state;
  }
  assert.deepEqual(takeToken(state, 0, 3), { allowed: false, retryAfterSeconds: 1200 }, 'one token every 20 minutes');
  assert.deepEqual(takeToken(state, 600_000, 3), { allowed: false, retryAfterSeconds: 600 });
  assert.equal(takeToken(state, 1_200_000, 3).allowed, true);
  // A long pause refills up to the limit, never past it.
  const later = takeToken(state, 10 * HOUR, 3);
  assert.ok(later.allowed && later.state.tokens === 2);
});

test('a caller spends a route\'s budget, then gets RateLimitedError with the wait; the bucket is a catalog item that expires once full again', async () => {
  const perHour = RATE_LIMITS.createRestore;
  for (let n = 0; n < perHour; n++) await limiter.take(ALICE, 'POST /backup/restores', perHour);
  await assert.rejects(limiter.take(ALICE, 'POST /backup/restores', perHour), (error: unknown) => error instanceof RateLimitedError && error.status === 429 && error.retryAfterSeconds === HOUR / perHour / 1000);
  const item = (await dynamoDbDocumentClient().send(new GetCommand({ TableName: table, Key: { pk: `RATE#POST /backup/restores#${ALICE}`, sk: 'RATE' } }))).Item;
  assert.ok(item);
  assert.equal(item.expires_at, Math.ceil((clock + HOUR) / 1000), 'gone when it would be full again');
  // Other callers and other routes have budgets of their own.
  await limiter.take(BOB, 'POST /backup/restores', perHour);
  await limiter.take(ALICE, 'POST /backup/jobs', RATE_LIMITS.createJob);
  // Time refills one request.
  clock += HOUR / perHour;
  await limiter.take(ALICE, 'POST /backup/restores', perHour);
  await assert.rejects(limiter.take(ALICE, 'POST /backup/restores', perHour), RateLimitedError);
});

test('concurrent requests take no more than the budget', async () => {
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => limiter.take('arn:aws:iam::123456789012:role/burst', 'POST /backup/backups/{backup_id}/verify', 3)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RateLimitedError || (r.reason as Error).name === 'ServiceUnavailableApiError', String(r.reason));
});

test('through the API function: the limited route answers 429 rate_limited with Retry-After in the API\'s error shape; unlimited routes are not counted', async () => {
  const limited = route({
    method: 'GET', path: '/limited', operationId: 'limited', summary: 'probe', tag: 'service', invalidError: 'invalid_request',
    success: { status: 200, description: 'ok' }, errors: [], rateLimitPerHour: 2,
    handle: async () => ({ ok: true }),
  });
  const free = route({ method: 'GET', path: '/free', operationId: 'free', summary: 'probe', tag: 'service', invalidError: 'invalid_request', success: { status: 200, description: 'ok' }, errors: [], handle: async () => ({ ok: true }) });
  const deps = { rateLimiter: new CatalogRateLimiter(table, { now: () => clock }), version: 'test' } as unknown as ApiDeps;
  const handler = createApiHandler(() => deps, [limited, free] as ApiRoute[]);
  const call = (path: string) => {
    const event = fakeApiEvent(path);
    event.requestContext.identity.userArn = 'arn:aws:iam::123456789012:user/carol' as never;
    return handler(event as never, fakeLambdaContext()) as Promise<APIGatewayProxyResult>;
  };
  assert.equal((await call('/limited')).statusCode, 200);
  assert.equal((await call('/limited')).statusCode, 200);
  const refused = await call('/limited');
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.headers?.['retry-after'], '1800');
  assert.deepEqual(JSON.parse(refused.body).error, 'rate_limited');
  for (let n = 0; n < 5; n++) assert.equal((await call('/free')).statusCode, 200);
});

test('the route table still carries the seed\'s limits the function enforces', () => {
  const limits = Object.fromEntries(API_ROUTES.filter((r) => r.rateLimitPerHour !== undefined).map((r) => [`${r.method} ${r.path}`, r.rateLimitPerHour]));
  assert.deepEqual(limits, {
    'POST /backup/jobs': RATE_LIMITS.createJob,
    'POST /backup/jobs/{job_id}/execute': RATE_LIMITS.execute,
    'POST /backup/backups/{backup_id}/verify': RATE_LIMITS.verify,
    'POST /backup/restores': RATE_LIMITS.createRestore,
  });
});

test('the deployed API function enforces the limits; HAVEN_API_RATE_LIMITS=off (a local cloud\'s tests) turns them off', () => {
  const env = {
    HAVEN_CATALOG_TABLE: table,
    HAVEN_BACKUP_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:b',
    HAVEN_RESTORE_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:r',
    HAVEN_VERIFY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:v',
    HAVEN_SCHEDULE_GROUP: 'haven',
    HAVEN_SCHEDULE_ROLE_ARN: 'arn:aws:iam::123456789012:role/s',
  };
  assert.ok(apiDepsFromEnv(env).rateLimiter instanceof CatalogRateLimiter);
  assert.equal(apiDepsFromEnv({ ...env, [HavenEnv.ApiRateLimits]: 'off' }).rateLimiter, undefined);
});
