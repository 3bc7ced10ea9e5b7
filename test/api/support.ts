/** A local stack with its API served over real HTTP, and a small client for tests. */
import { request as httpRequest } from 'node:http';
import type { LocalApiServer } from '../../local/api/server.js';
import { startLocalApi } from '../../local/api/local-api.js';
import { LocalStack } from '../../local/stack/local-stack.js';

/** A response as tests read it. */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined when empty). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** A local stack plus its API. */
export interface ApiFixture {
  stack: LocalStack;
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

/** Starts a local stack and its API on a free port. */
export async function startApiFixture(): Promise<ApiFixture> {
  const stack = await LocalStack.create({ name: 'haven-api' });
  const server = await startLocalApi(stack, { port: 0 });
  return {
    stack,
    server,
    call: (method, path, body, options = {}) => send(server.url, method, path, options.raw ?? (body === undefined ? undefined : JSON.stringify(body)), options.headers),
    close: () => server.close(),
  };
}

/** Polls until `check` returns a value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
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
