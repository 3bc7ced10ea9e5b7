/**
 * The local cloud with its REST API served over real HTTP by the local API
 * Gateway (the template's routes, the API function under its role), and a
 * small client for tests.
 */
import { request as httpRequest } from 'node:http';
import { ListAliasesCommand } from '@aws-sdk/client-kms';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { kmsClient, schedulerClient } from '../../../vault/aws/clients.js';
import type { LocalApiServer } from '../../../local/cloud/api-gateway.js';
import { LocalCloud, type LocalCloudOptions } from '../../../local/cloud/cloud.js';
import { HavenEnv } from '../../../control/env.js';

/** A response as tests read it. */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined when empty). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** A local cloud plus its API. */
export interface ApiFixture {
  cloud: LocalCloud;
  server: LocalApiServer;
  /** Sends JSON (or raw text when `raw` is set). */
  call(method: string, path: string, body?: unknown, options?: { raw?: string | Buffer; headers?: Record<string, string> }): Promise<HttpResult>;
  close(): Promise<void>;
}

/**
 * Sends one HTTP request.
 *
 * @param url - the server's base URL
 */
export function send(url: string, method: string, path: string, payload: string | Buffer | undefined, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers: { ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Starts a local cloud and its API on a free port.
 *
 * @param options - the tables and buckets the template grants (jobs on others are refused, as deployed), and test hooks
 */
export async function startApiFixture(options: LocalCloudOptions = {}): Promise<ApiFixture> {
  // The API tests create more jobs than one caller may in an hour: the per-caller limit is off here
  // (test/control/api/rate-limit.test.ts tests it).
  const cloud = await LocalCloud.start({ name: 'haven-api', ...options, environment: { [HavenEnv.ApiRateLimits]: 'off', ...options.environment } });
  const server = await cloud.serveApi({ port: 0 });
  return {
    cloud,
    server,
    call: (method, path, body, callOptions = {}) => send(server.url, method, path, callOptions.raw ?? (body === undefined ? undefined : JSON.stringify(body)), callOptions.headers),
    close: async () => {
      await server.close();
      await cloud.close();
    },
  };
}

/** Names of the job schedules in the fixture's schedule group (in the emulator). */
export async function scheduleNames(api: ApiFixture): Promise<string[]> {
  const out = await schedulerClient().send(new ListSchedulesCommand({ GroupName: api.cloud.output('ScheduleGroupName') }));
  return (out.Schedules ?? []).map((s) => s.Name ?? '').sort();
}

/**
 * How long {@link eventually} waits by default: a workflow the API started
 * (several at once in some fixtures) on a machine shared with the other
 * test fork. One minute was too short in CI (backups.test.ts's fixture of
 * five backups timed out, failing its 21 tests).
 */
const WORKFLOW_WAIT_MS = 5 * 60_000;

/** Polls until `check` returns a value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = WORKFLOW_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A job body for `POST /backup/jobs` backing up a DynamoDB table. */
export function jobBody(table: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_name: `api test ${table}`,
    description: 'api test',
    backup_type: 'incremental',
    source: { type: 'dynamodb', table_name: table },
    schedule: { frequency: 'daily', time: '02:00', timezone: 'UTC', enabled: false },
    retention: { days: 30, weeks: 12 },
    compression: { enabled: true, algorithm: 'zstd', level: 3 },
    notifications: { on_success: true, on_failure: true, on_warning: false, recipients: ['ops@example.com'] },
    created_by: 'admin_1',
    ...overrides,
  };
}

/** The vault key's alias in the fixture's deployment (`alias/<stack>-vault`), read from the emulator. */
export async function vaultKeyAlias(api: ApiFixture): Promise<string> {
  const out = await kmsClient().send(new ListAliasesCommand({ KeyId: api.cloud.kmsKeyArn }));
  const alias = out.Aliases?.find((a) => a.AliasName?.endsWith('-vault'))?.AliasName;
  if (!alias) throw new Error(`the vault key ${api.cloud.kmsKeyArn} has no -vault alias`);
  return alias;
}
