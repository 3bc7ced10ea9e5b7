/**
 * The OpenAPI document: valid OpenAPI 3.1, identical to what `npm run
 * openapi` writes (so a stale docs/openapi.json fails), served at
 * /openapi.json, and describing exactly the routes the router serves.
 */
import { afterAll, afterEach, beforeAll, describe, test, vi } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { API_ROUTES } from '../../../control/api/routes.js';
import { OPENAPI_FILE, openApiText } from '../../../local/api/write-openapi.js';
import { startApiFixture, type ApiFixture } from './support.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

describe('API: OpenAPI document', () => {
  const committed = readFileSync(OPENAPI_FILE, 'utf8');
  const doc = JSON.parse(committed) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApiFixture();
  });
  afterAll(() => api.close());

  test('docs/openapi.json is current (run `npm run openapi` after changing routes or schemas)', () => {
    // Act
    const generated = openApiText();

    // Assess
    assert.ok(committed === generated, 'docs/openapi.json is stale: run `npm run openapi`');
  });

  test('it is a valid OpenAPI 3.1 document', async () => {
    // Prepare
    const validator = new Validator();

    // Act
    const result = await validator.validate(doc);

    // Assess
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  });

  test('it describes the seed\'s records as component schemas', () => {
    // Act
    const schemas = doc.components.schemas;

    // Assess
    for (const name of ['Job', 'CreateJobRequestInput', 'Execution', 'BackupFile', 'Restore', 'Error']) assert.ok(schemas[name], `component ${name}`);
  });

  test('GET /openapi.json serves the same document', async () => {
    // Act
    const res = await api.call('GET', '/openapi.json');

    // Assess
    assert.equal(res.status, 200);
    assert.ok(JSON.stringify(res.body) === JSON.stringify(doc), 'the served document is docs/openapi.json');
  });

  test('the document lists exactly the router table', () => {
    // Act
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();

    // Assess
    assert.deepEqual(documented, API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  test('the server serves exactly the documented routes', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      // Prepare
      const concrete = path.replace(/\{[^}]+\}/g, 'x_1');
      for (const method of METHODS) {
        // Act
        const res = await api.call(method, concrete);

        // Assess
        const served = method.toLowerCase() in ops;
        if (served) assert.ok(!['route_not_found', 'method_not_allowed'].includes(res.body?.error), `${method} ${path} is served (got ${res.status} ${res.text.slice(0, 200)})`);
        else assert.equal(res.status, 405, `${method} ${path} is not served`);
      }
    }
  });
});

describe('API handler: a deployment missing settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  test('a handler missing its settings answers 500 with the seed body, never blaming the caller', async () => {
    // Prepare
    const { createApiHandler } = await import('../../../functions/api/app.js');
    const { fakeApiEvent, fakeLambdaContext } = await import('../../infra/support/lambda-context.js');
    const handler = createApiHandler(() => {
      throw new Error('HAVEN_CATALOG_TABLE is not set');
    });
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

    // Act
    const res = await handler(fakeApiEvent('/health', 'req-missing') as never, fakeLambdaContext());

    // Assess
    assert.equal(res.statusCode, 500);
    assert.deepEqual(JSON.parse(res.body), { error: 'internal_error', message: 'the request failed; it has been logged with its request id', details: {} });
    assert.equal(res.headers?.['x-request-id'], 'req-missing');
  });

  test('without the vault settings, backup delete (and the retention dry run, through the same port) answers 500: the deployment is at fault, never a 422', async () => {
    // Prepare
    const { createApiHandler } = await import('../../../functions/api/app.js');
    const { apiDepsFromEnv } = await import('../../../functions/api/deps.js');
    const { fakeApiEvent, fakeLambdaContext } = await import('../../infra/support/lambda-context.js');
    const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
    const env = { HAVEN_CATALOG_TABLE: 'catalog', HAVEN_BACKUP_STATE_MACHINE_ARN: arn('b'), HAVEN_RESTORE_STATE_MACHINE_ARN: arn('r'), HAVEN_VERIFY_STATE_MACHINE_ARN: arn('v'), HAVEN_SCHEDULE_GROUP: 'haven', HAVEN_SCHEDULE_ROLE_ARN: 'arn:aws:iam::123456789012:role/s' };
    const deps = apiDepsFromEnv(env);
    const handler = createApiHandler(() => deps);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const event = { ...fakeApiEvent('/backup/backups/backup_01jd4x6f5e8q2v7c9w3k0m1n2p', 'req-vault'), httpMethod: 'DELETE', resource: '/backup/backups/{backup_id}', pathParameters: { backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p' } };

    // Act
    const res = await handler(event as never, fakeLambdaContext());

    // Assess
    assert.equal(res.statusCode, 500, res.body);
    assert.equal(JSON.parse(res.body).error, 'internal_error');
  });
});
