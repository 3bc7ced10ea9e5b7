/**
 * The bad-input corpus, over real HTTP against the local API: each request
 * gets the right 4xx with the seed's `{error, message, details}` body and a
 * request id, none gets a 5xx, secrets and key material are never echoed,
 * and nothing reaches the catalog (its item count does not change).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../../vault/aws/clients.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { jobBody, scheduleNames, startApiFixture, type ApiFixture, type HttpResult } from './support.js';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  error: string;
  /** A field the details must name. */
  field?: string;
  /** Text the response must not contain. */
  secret?: string;
  /** API Gateway answers it itself (a gateway response): its request id is API Gateway's. */
  gateway?: true;
}

const RAW_KEY = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ8=';
const PASSWORD = 'hunter2-Sup3rS3cret';

describe('API: bad input', () => {
  let api: ApiFixture;
  const table = uniqueName('api-bad');
  let jobId: string;
  let backupId: string;
  let executionId: string;

  async function catalogItems(): Promise<number> {
    const out = await dynamoDbClient().send(new ScanCommand({ TableName: api.cloud.catalogTable, Select: 'COUNT', ConsistentRead: true }));
    return out.Count ?? 0;
  }

  function assertErrorBody(res: HttpResult, label: string, gateway = false): void {
    assert.ok(res.status >= 400 && res.status < 500, `${label}: got ${res.status} ${res.text.slice(0, 300)}`);
    assert.deepEqual(Object.keys(res.body ?? {}).sort(), ['details', 'error', 'message'], `${label}: seed error body`);
    assert.equal(typeof res.body.error, 'string');
    assert.equal(typeof res.body.message, 'string');
    if (gateway) {
      // A gateway response (the template's) names API Gateway's request id in its header and its body.
      assert.ok(res.headers['x-amzn-requestid'], `${label}: request id`);
      assert.equal(res.body.details.request_id, res.headers['x-amzn-requestid'], `${label}: the body names the request id`);
    } else assert.ok(res.headers['x-request-id'], `${label}: request id`);
  }

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 5);
    const job = await api.cloud.catalog.createJob({ job_name: 'bad input', description: '', backup_type: 'full', source: { type: 'dynamodb', table_name: table }, destination: { type: 'vault' }, schedule: { frequency: 'daily', enabled: false }, retention: { days: 1 }, compression: { enabled: true, algorithm: 'zstd', level: 3 }, encryption: { enabled: true }, verification: { enabled: false }, notifications: { on_success: false, on_failure: false, on_warning: false, recipients: [] }, created_by: 'test' });
    jobId = job.job_id;
    const execution = await api.cloud.catalog.createExecution({ job_id: jobId, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });
    executionId = execution.execution_id;
    backupId = execution.backup_id;
  });
  afterAll(() => api.close());

  const valid = () => jobBody(table);
  const cases = (): Case[] => [
    { name: 'malformed JSON', method: 'POST', path: '/backup/jobs', raw: '{"job_name": "x",', status: 400, error: 'invalid_json', field: 'body' },
    { name: 'JSON that is not an object', method: 'POST', path: '/backup/jobs', raw: '[1,2,3]', status: 400, error: 'invalid_backup_config', field: 'body' },
    { name: 'JSON null', method: 'POST', path: '/backup/jobs', raw: 'null', status: 400, error: 'invalid_backup_config' },
    { name: 'a missing body', method: 'POST', path: '/backup/jobs', status: 400, error: 'invalid_backup_config', field: 'body' },
    { name: 'a wrong type', method: 'POST', path: '/backup/jobs', body: { ...valid(), job_name: 123 }, status: 400, error: 'invalid_backup_config', field: 'job_name' },
    { name: 'missing fields', method: 'POST', path: '/backup/jobs', body: {}, status: 400, error: 'invalid_backup_config', field: 'job_name' },
    { name: 'an unknown field', method: 'POST', path: '/backup/jobs', body: { ...valid(), owner: 'x' }, status: 400, error: 'invalid_backup_config', field: 'owner' },
    { name: 'an unknown nested field', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'dynamodb', table_name: table, region: 'x' } }, status: 400, error: 'invalid_backup_config', field: 'source.region' },
    { name: '__proto__ as a field', method: 'POST', path: '/backup/jobs', raw: JSON.stringify(valid()).replace(/^\{/, '{"__proto__":{"admin":true},'), status: 400, error: 'invalid_backup_config', field: '__proto__' },
    { name: 'an unknown source type', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'oracle', table_name: 'x' } }, status: 400, error: 'invalid_backup_config', field: 'source.type' },
    { name: 'a 2 MiB body', method: 'POST', path: '/backup/jobs', raw: JSON.stringify({ ...valid(), description: 'x'.repeat(2 * 1024 * 1024) }), status: 413, error: 'payload_too_large' },
    { name: 'an 11 MiB body (over the gateway limit)', method: 'POST', path: '/backup/restores', raw: Buffer.alloc(11 * 1024 * 1024, 0x20), status: 413, error: 'payload_too_large', gateway: true },
    { name: 'a body nested 100,000 deep', method: 'POST', path: '/backup/jobs', raw: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, status: 400, error: 'invalid_json' },
    { name: 'a non-JSON content type', method: 'POST', path: '/backup/jobs', raw: 'job_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
    { name: 'a body on a GET', method: 'GET', path: '/backup/files', raw: '{}', status: 400, error: 'invalid_query' },
    { name: 'a connection string in the source', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'dynamodb', table_name: table, connection_string: `postgresql://admin:${PASSWORD}@db:5432/app` } }, status: 422, error: 'validation_failed', field: 'source.connection_string', secret: PASSWORD },
    { name: 'a password in the source', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'postgres', secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', password: PASSWORD } }, status: 422, error: 'validation_failed', field: 'source.password', secret: PASSWORD },
    { name: 'a URL with credentials anywhere', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, description: `from postgres://u:${PASSWORD}@h/db`, destination: { type: 'dynamodb', table_name: 'target-table' } }, status: 422, error: 'validation_failed', secret: PASSWORD },
    { name: 'raw key material as the job key', method: 'POST', path: '/backup/jobs', body: { ...valid(), encryption: { enabled: true, key_id: RAW_KEY } }, status: 422, error: 'validation_failed', field: 'encryption.key_id', secret: RAW_KEY },
    { name: 'raw key material as a run key', method: 'POST', path: `/backup/jobs/${'{job}'}/execute`, body: { custom_parameters: { encryption_key: RAW_KEY } }, status: 422, error: 'validation_failed', field: 'custom_parameters.encryption_key', secret: RAW_KEY },
    { name: 'encryption turned off', method: 'POST', path: '/backup/jobs', body: { ...valid(), encryption: { enabled: false } }, status: 422, error: 'validation_failed', field: 'encryption.enabled' },
    { name: 'an unknown source table', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'dynamodb', table_name: 'no-such-table-anywhere' } }, status: 422, error: 'validation_failed', field: 'source' },
    { name: 'an unknown source bucket', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 's3', bucket: 'no-such-bucket-anywhere' } }, status: 422, error: 'validation_failed', field: 'source' },
    { name: 'path traversal in a source prefix', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 's3', bucket: 'any-bucket', prefix: 'exports/../../secrets/' } }, status: 422, error: 'validation_failed', field: 'source' },
    { name: 'path traversal in a restore prefix', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 's3', bucket: 'any-bucket', prefix: '../outside' } }, status: 422, error: 'validation_failed', field: 'destination' },
    { name: 'an invalid cron expression', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'cron', expression: 'cron(99 2 * * ? *)' } }, status: 422, error: 'validation_failed', field: 'schedule.expression' },
    { name: 'a cron expression that is not one', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'cron(* * *)' } }, status: 422, error: 'validation_failed', field: 'schedule.expression' },
    { name: 'an unknown frequency', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'fortnightly' } }, status: 422, error: 'validation_failed', field: 'schedule.frequency' },
    { name: 'an invalid time zone', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'daily', time: '02:00', timezone: 'Mars/Olympus_Mons' } }, status: 422, error: 'validation_failed', field: 'schedule.timezone' },
    { name: 'an offset instead of a time zone', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'daily', timezone: '+05:00' } }, status: 422, error: 'validation_failed', field: 'schedule.timezone' },
    { name: 'an impossible time', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'daily', time: '25:61' } }, status: 422, error: 'validation_failed', field: 'schedule.time' },
    { name: 'an impossible day of month', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'monthly', day_of_month: 32 } }, status: 422, error: 'validation_failed', field: 'schedule.day_of_month' },
    { name: 'an unknown schedule field', method: 'POST', path: '/backup/jobs', body: { ...valid(), schedule: { frequency: 'daily', every: 2 } }, status: 400, error: 'invalid_backup_config', field: 'schedule.every' },
    { name: 'an invalid schedule on update', method: 'PUT', path: '/backup/jobs/{job}', body: { schedule: { frequency: 'rate', expression: 'rate(0 minutes)' } }, status: 422, error: 'validation_failed', field: 'schedule.expression' },
    { name: 'negative retention', method: 'POST', path: '/backup/jobs', body: { ...valid(), retention: { days: -1 } }, status: 422, error: 'validation_failed', field: 'retention.days' },
    { name: 'retention that keeps nothing', method: 'POST', path: '/backup/jobs', body: { ...valid(), retention: { days: 0 } }, status: 422, error: 'validation_failed', field: 'retention' },
    { name: 'retention beyond range', method: 'POST', path: '/backup/jobs', body: { ...valid(), retention: { years: 5000 } }, status: 422, error: 'validation_failed', field: 'retention.years' },
    { name: 'a huge number', method: 'POST', path: '/backup/jobs', raw: JSON.stringify(valid()).replace('"days":30', '"days":1e308'), status: 400, error: 'invalid_backup_config', field: 'retention.days' },
    { name: 'a number too big for JSON doubles', method: 'POST', path: '/backup/jobs', raw: JSON.stringify(valid()).replace('"days":30', '"days":1e999'), status: 400, error: 'invalid_backup_config', field: 'retention.days' },
    { name: 'a compression level out of range', method: 'POST', path: '/backup/jobs', body: { ...valid(), compression: { enabled: true, algorithm: 'gzip', level: 12 } }, status: 422, error: 'validation_failed', field: 'compression.level' },
    { name: 'a run compression level out of range', method: 'POST', path: '/backup/jobs/{job}/execute', body: { custom_parameters: { compression_level: 99 } }, status: 422, error: 'validation_failed', field: 'custom_parameters.compression_level' },
    { name: 'a tables subset for a table source', method: 'POST', path: '/backup/jobs/{job}/execute', body: { custom_parameters: { tables: ['users'] } }, status: 422, error: 'validation_failed', field: 'custom_parameters.tables' },
    { name: 'an unknown execution option', method: 'POST', path: '/backup/jobs/{job}/execute', body: { execution_options: { turbo: true } }, status: 400, error: 'invalid_execution_options', field: 'execution_options.turbo' },
    { name: 'a bad priority', method: 'POST', path: '/backup/jobs/{job}/execute', body: { execution_options: { priority: 'urgent' } }, status: 400, error: 'invalid_execution_options', field: 'execution_options.priority' },
    { name: 'an invalid email', method: 'POST', path: '/backup/jobs', body: { ...valid(), notifications: { on_success: true, on_failure: true, on_warning: false, recipients: ['not-an-email'] } }, status: 400, error: 'invalid_backup_config', field: 'notifications.recipients.0' },
    { name: 'an injection-like table name', method: 'POST', path: '/backup/jobs', body: { ...valid(), source: { type: 'dynamodb', table_name: "x'; DROP TABLE jobs; --" } }, status: 400, error: 'invalid_backup_config', field: 'source.table_name' },
    { name: 'an injection-like job id', method: 'GET', path: `/backup/jobs/${encodeURIComponent("job_1' OR '1'='1")}`, status: 400, error: 'invalid_request', field: 'job_id' },
    { name: 'an injection-like filter', method: 'GET', path: `/backup/files?status=${encodeURIComponent("completed' OR 1=1 --")}`, status: 400, error: 'invalid_query', field: 'status' },
    { name: 'a NoSQL-operator filter', method: 'GET', path: '/backup/files?job_id[$ne]=x', status: 400, error: 'invalid_query', field: 'job_id[$ne]' },
    { name: 'path traversal in an id', method: 'GET', path: '/backup/jobs/..%2F..%2Fetc%2Fpasswd', status: 404, error: 'route_not_found' },
    { name: 'a dot-dot id', method: 'GET', path: '/backup/backups/backup_..', status: 400, error: 'invalid_request', field: 'backup_id' },
    { name: 'an id of the wrong kind', method: 'GET', path: `/backup/backups/${executionId}`, status: 400, error: 'invalid_request', field: 'backup_id' },
    { name: 'an unknown route', method: 'GET', path: '/backup/nothing', status: 404, error: 'route_not_found' },
    { name: 'a method the path does not serve', method: 'PATCH', path: '/backup/jobs', status: 405, error: 'method_not_allowed' },
    { name: 'a limit of zero', method: 'GET', path: '/backup/files?limit=0', status: 400, error: 'invalid_query', field: 'limit' },
    { name: 'a limit that is not a number', method: 'GET', path: '/backup/jobs?limit=ten', status: 400, error: 'invalid_query', field: 'limit' },
    { name: 'a huge limit', method: 'GET', path: '/backup/files?limit=99999999999999999999999', status: 400, error: 'invalid_query', field: 'limit' },
    { name: 'a negative offset', method: 'GET', path: '/backup/restores?offset=-1', status: 400, error: 'invalid_query', field: 'offset' },
    { name: 'a repeated query parameter', method: 'GET', path: '/backup/files?limit=1&limit=2', status: 400, error: 'invalid_query', field: 'limit' },
    { name: 'an unknown query parameter', method: 'GET', path: '/backup/files?sort=asc', status: 400, error: 'invalid_query', field: 'sort' },
    { name: 'a date that is not a date', method: 'GET', path: '/backup/files?date_from=yesterday', status: 400, error: 'invalid_query', field: 'date_from' },
    { name: 'an impossible date', method: 'GET', path: '/backup/files?date_to=2024-02-31T00:00:00Z', status: 400, error: 'invalid_query', field: 'date_to' },
    { name: 'a date range backwards', method: 'GET', path: '/backup/files?date_from=2024-02-01&date_to=2024-01-01', status: 422, error: 'validation_failed' },
    { name: 'a forged cursor', method: 'GET', path: `/backup/jobs?cursor=${Buffer.from('{"q":"x","k":{}}').toString('base64url')}`, status: 422, error: 'validation_failed', field: 'query.cursor' },
    { name: 'an update naming nothing', method: 'PUT', path: '/backup/jobs/{job}', body: {}, status: 400, error: 'invalid_backup_config' },
    { name: 'an update to a bad status', method: 'PUT', path: '/backup/jobs/{job}', body: { status: 'deleted' }, status: 400, error: 'invalid_backup_config', field: 'status' },
    { name: 'an update of the id', method: 'PUT', path: '/backup/jobs/{job}', body: { job_id: 'job_x' }, status: 400, error: 'invalid_backup_config', field: 'job_id' },
    { name: 'a restore of a traversal id', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: '../../backup_x', destination: { type: 'dynamodb', table_name: 'target-table' } }, status: 400, error: 'invalid_restore_config', field: 'backup_id' },
    { name: 'a restore with huge parallelism', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 'dynamodb', table_name: 'target-table' }, restore_options: { max_parallel_jobs: 1e6 } }, status: 400, error: 'invalid_restore_config', field: 'restore_options.max_parallel_jobs' },
    { name: 'a restore to an unsupported destination', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 'mysql', connection: 'x' } }, status: 400, error: 'invalid_restore_config', field: 'destination.type' },
    { name: 'a restore of a backup that is not completed', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 'dynamodb', table_name: 'target-table' } }, status: 422, error: 'validation_failed', field: 'backup_id' },
    { name: 'a restore to a point in the future', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 'dynamodb', table_name: 'target-table' }, restore_options: { target_timestamp: '2999-01-01T00:00:00Z' } }, status: 422, error: 'validation_failed', field: 'restore_options.target_timestamp' },
    { name: 'contradicting conflict settings', method: 'POST', path: '/backup/restores', body: { restore_name: 'x', backup_id: backupId, destination: { type: 'dynamodb', table_name: 'target-table', overwrite_existing: true, conflict_policy: 'fail_if_exists' } }, status: 422, error: 'validation_failed', field: 'destination.overwrite_existing' },
    { name: 'an unknown cancel field', method: 'POST', path: `/backup/executions/${'{exec}'}/cancel`, body: { force: true }, status: 400, error: 'invalid_request', field: 'force' },
    { name: 'a huge name', method: 'POST', path: '/backup/jobs', body: { ...valid(), job_name: 'n'.repeat(10_000) }, status: 400, error: 'invalid_backup_config', field: 'job_name' },
  ];

  test('every request of the corpus gets its 4xx and the seed body; nothing is written', async () => {
    // Prepare
    const before = await catalogItems();
    const schedulesBefore = await scheduleNames(api);
    for (const c of cases()) {
      const path = c.path.replace('{job}', jobId).replace('{exec}', executionId);

      // Act
      const res = await api.call(c.method, path, c.body, { ...(c.raw !== undefined ? { raw: c.raw } : {}), ...(c.headers ? { headers: c.headers } : {}) });

      // Assess
      assertErrorBody(res, c.name, c.gateway);
      assert.equal(res.status, c.status, `${c.name}: ${res.text.slice(0, 400)}`);
      assert.equal(res.body.error, c.error, `${c.name}: ${res.text.slice(0, 400)}`);
      if (c.field) {
        const named = [res.body.details.field, ...(res.body.details.issues ?? []).map((i: { field?: string } | string) => (typeof i === 'string' ? i : i.field)), ...(res.body.details.fields ?? [])];
        assert.ok(named.some((n) => typeof n === 'string' && (n === c.field || n.startsWith(`${c.field}:`) || n.startsWith(`${c.field} `))), `${c.name}: details name ${c.field}: ${JSON.stringify(res.body.details)}`);
      }
      if (c.secret) assert.ok(!res.text.includes(c.secret), `${c.name}: the secret is not echoed`);
    }
    assert.equal(await catalogItems(), before, 'no rejected request wrote to the catalog');
    assert.deepEqual(await scheduleNames(api), schedulesBefore, 'no rejected request created a schedule');
  });

  test('random JSON bodies never make a 5xx and never write', async () => {
    // Prepare
    // Execute a paused job (this test's own) and cancel an unknown run: whatever the body, nothing may start or stop.
    const paused = await api.cloud.catalog.createJob({ job_name: 'bad input (paused)', description: '', backup_type: 'full', source: { type: 'dynamodb', table_name: table }, destination: { type: 'vault' }, schedule: { frequency: 'daily', enabled: false }, retention: { days: 1 }, compression: { enabled: true, algorithm: 'zstd', level: 3 }, encryption: { enabled: true }, verification: { enabled: false }, notifications: { on_success: false, on_failure: false, on_warning: false, recipients: [] }, created_by: 'test', status: 'paused' });
    const before = await catalogItems();
    const routes = ['/backup/jobs', '/backup/restores', `/backup/jobs/${paused.job_id}/execute`, '/backup/executions/exec_01jd4x6f5e8q2v7c9w3k0m1n2p/cancel'];

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue({ maxDepth: 4 }), async (path, body) => {
        // Act
        const res = await api.call('POST', path, body);

        // Assess
        assert.ok(res.status < 500, `${path} ${JSON.stringify(body).slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
        if (res.status >= 400) assertErrorBody(res, path);
      }),
      { numRuns: 120 },
    );

    // Assess
    assert.equal(await catalogItems(), before);
  });

  test('random ids and query values never make a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.string({ maxLength: 40 }), async (id, value) => {
        // Prepare
        const paths = [`/backup/jobs/${encodeURIComponent(id)}`, `/backup/restores/${encodeURIComponent(id)}/status`, `/backup/files?job_id=${encodeURIComponent(value)}&date_from=${encodeURIComponent(value)}`];
        for (const path of paths) {
          // Act
          const res = await api.call('GET', path);

          // Assess
          assert.ok(res.status < 500, `${path} → ${res.status} ${res.text.slice(0, 200)}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
