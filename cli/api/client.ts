/**
 * The HTTP client of the `haven` API commands: JSON in and out, SigV4 when
 * the endpoint needs it, retries for idempotent requests, and every API
 * error turned into an {@link ApiClientError} with the API's
 * `{error, message, details}`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClientError, ApiUnreachableError } from './errors.js';
import { backoffMs, DEFAULT_RETRY, isIdempotent, isRetryableStatus, retryAfterMs, type RetryPolicy } from './retry.js';
import type { RequestSigner } from './sigv4.js';

/** Query parameters; undefined and empty values are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Base URL (may carry a stage path). */
  baseUrl: URL;
  /** Signs each request (SigV4); none for the local API. */
  signer?: RequestSigner;
  retry?: RetryPolicy;
  /** Per-attempt timeout. @default 30 s */
  timeoutMs?: number;
  /** Waits between retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<unknown>;
  /** Called before each retry (for `--verbose`). */
  onRetry?: (info: { request: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Options of one request. */
export interface RequestOptions {
  query?: Query;
  body?: unknown;
}

/** A JSON HTTP client for Haven's REST API. */
export class ApiClient {
  readonly baseUrl: URL;
  private readonly options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.options = options;
  }

  /**
   * @param path - a route path (`/backup/jobs`), joined to the base URL's path
   * @param query - query parameters
   * @returns the full URL
   */
  url(path: string, query: Query = {}): URL {
    const url = new URL(this.baseUrl.href);
    url.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** GET a route. */
  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { ...(query ? { query } : {}) });
  }

  /** POST a JSON body. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  /** PUT a JSON body. */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  /** DELETE a route. */
  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, { ...(query ? { query } : {}) });
  }

  /**
   * Sends a request, retrying idempotent ones on 429, 5xx and network errors.
   *
   * @returns the parsed JSON body (undefined for an empty body)
   * @throws ApiClientError for an error status; ApiUnreachableError when no answer came
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const retries = isIdempotent(method) ? policy.retries : 0;
    const label = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.send(method, path, options);
      } catch (error) {
        if (attempt >= retries) throw new ApiUnreachableError(`cannot reach the API at ${this.baseUrl.origin} (${label}): ${describeNetworkError(error)}`, { cause: error });
        await this.pause(label, attempt, backoffMs(attempt, policy), describeNetworkError(error));
        continue;
      }
      if (response.ok) return (await readJson(response)) as T;
      if (attempt < retries && isRetryableStatus(response.status)) {
        const delay = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt, policy);
        await response.body?.cancel();
        await this.pause(label, attempt, Math.min(delay, policy.capMs * 4), `HTTP ${response.status}`);
        continue;
      }
      throw await toApiError(response, label);
    }
  }

  private async pause(request: string, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.options.onRetry?.({ request, attempt: attempt + 1, delayMs, reason });
    await (this.options.sleep ?? sleep)(delayMs);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'haven-cli', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
    if (this.options.signer) {
      // fetch sets Host itself (the same value the signature covers).
      const { host: _host, ...signed } = await this.options.signer({ method, url, headers, ...(body !== undefined ? { body } : {}) });
      headers = signed;
    }
    return fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Builds the typed error from an error response, whatever its body. */
async function toApiError(response: Response, request: string): Promise<ApiClientError> {
  const body = await readJson(response).catch(() => undefined);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const error = typeof fields.error === 'string' ? fields.error : `http_${response.status}`;
  const fallback = typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `${response.status} ${response.statusText}`.trim();
  // API Gateway's own errors say {"message": "..."} (or "Message") without `error`.
  const message = typeof fields.message === 'string' ? fields.message : typeof fields.Message === 'string' ? fields.Message : fallback;
  return new ApiClientError({ status: response.status, error, message, details: fields.details, request });
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'the request timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : error.message;
  }
  return String(error);
}
