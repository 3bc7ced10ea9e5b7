/** The health handler, invoked in process through its middy chain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { fakeApiEvent, fakeLambdaContext } from './support/lambda-context.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.HAVEN_VERSION = '1.2.3-test';
const { handler, healthResponse } = await import('../../functions/health/handler.js');

test('GET /health: 200, JSON body, JSON content type, request id echoed', async () => {
  const response = await handler(fakeApiEvent('/health', 'req-42') as unknown as APIGatewayProxyEvent, fakeLambdaContext());
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers?.['content-type']), /^application\/json/);
  assert.equal(response.headers?.['x-request-id'], 'req-42');
  assert.deepEqual(JSON.parse(response.body), { status: 'healthy', service: 'haven', version: '1.2.3-test' });
});

test('healthResponse omits x-request-id when there is none', () => {
  const response = healthResponse(undefined, '0.1.0');
  assert.equal(response.headers?.['x-request-id'], undefined);
  assert.equal(JSON.parse(response.body).version, '0.1.0');
});
