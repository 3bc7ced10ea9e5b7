/**
 * Errors of the REST API. Every refusal is an {@link ApiError}: an HTTP
 * status, the seed's error name (`validation_failed`, `job_not_found`…), a
 * message and details, serialized as `{error, message, details}`. Errors
 * the engine raises on purpose are mapped by {@link toApiError}; anything
 * else is a 500 whose message says nothing about the cause.
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Details of an error body: a JSON object. */
export type ErrorDetails = Record<string, unknown>;

/** The body of every error response (seed 001). */
export interface ErrorBody {
  error: string;
  message: string;
  details: ErrorDetails;
}

/** Base class of every error the API answers with. */
export class ApiError extends HavenError {
  override readonly name: string = 'ApiError';
  override readonly code: ErrorCode = ErrorCode.InvalidInput;
  /**
   * @param status - the HTTP status
   * @param error - the seed's error name (snake_case)
   * @param message - a sentence for people
   * @param details - machine-readable details (never secrets)
   */
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The response body. */
  body(): ErrorBody {
    return { error: this.error, message: this.message, details: this.details };
  }

  /** Headers the response carries besides the common ones (`allow`, `retry-after`). */
  headers(): Record<string, string> {
    return {};
  }
}

/** One problem with one field of a request. */
export interface FieldIssue {
  /** Dotted path (`schedule.timezone`, `query.limit`, `body`). */
  field: string;
  issue: string;
}

/** 400: the request is malformed (bad JSON, wrong shapes, unknown fields). */
export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
  /**
   * @param error - the seed's error name (`invalid_backup_config`, `invalid_json`…)
   * @param message - what is wrong
   * @param issues - one entry per field; the first is also `details.field`/`details.issue`
   */
  constructor(error: string, message: string, issues: readonly FieldIssue[]) {
    const first = issues[0];
    super(400, error, message, { ...(first ? { field: first.field, issue: first.issue } : {}), issues: [...issues] });
  }
}

/** 404: the id names nothing (or the route does not exist). */
export class NotFoundApiError extends ApiError {
  override readonly name = 'NotFoundApiError';
  override readonly code = ErrorCode.NotFound;
  /**
   * @param kind - `job`, `backup`, `execution`, `restore`, `route`
   * @param details - what was looked up (`{job_id: …}`)
   */
  constructor(kind: string, details: ErrorDetails) {
    super(404, `${kind}_not_found`, `${kind[0]!.toUpperCase()}${kind.slice(1)} not found`, details);
  }
}

/** 405: the path exists but not with this method. */
export class MethodNotAllowedError extends ApiError {
  override readonly name = 'MethodNotAllowedError';
  /** @param allowed - the methods the path serves */
  constructor(method: string, path: string, readonly allowed: readonly string[]) {
    super(405, 'method_not_allowed', `${method} is not allowed on ${path}`, { method, allowed: [...allowed] });
  }

  override headers(): Record<string, string> {
    return { allow: this.allowed.join(', ') };
  }
}

/** 429: the caller used up a route's hourly limit; `retry-after` says when the next request is allowed. */
export class RateLimitedError extends ApiError {
  override readonly name = 'RateLimitedError';
  /**
   * @param route - `METHOD /path` of the limited route
   * @param perHour - its limit per caller and hour
   * @param retryAfterSeconds - whole seconds until one request is allowed again
   */
  constructor(route: string, perHour: number, readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `${route} allows ${perHour} requests an hour per caller; retry in ${retryAfterSeconds} s`, { route, limit_per_hour: perHour, retry_after_seconds: retryAfterSeconds });
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/** 409: the request conflicts with the current state (a job already running, a finished execution). */
export class ConflictApiError extends ApiError {
  override readonly name = 'ConflictApiError';
  override readonly code = ErrorCode.Conflict;
  constructor(error: string, message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(409, error, message, details, options);
  }
}

/** 413: the body is larger than the API accepts. */
export class PayloadTooLargeError extends ApiError {
  override readonly name = 'PayloadTooLargeError';
  /** @param limit - the most bytes accepted */
  constructor(limit: number) {
    super(413, 'payload_too_large', `request bodies are limited to ${limit} bytes`, { max_bytes: limit });
  }
}

/** 415: a body that is not JSON. */
export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(contentType: string) {
    super(415, 'unsupported_media_type', 'request bodies must be JSON: send Content-Type: application/json', { content_type: contentType.slice(0, 100) });
  }
}

/** 422: well-formed but semantically wrong (bad cron, unknown table, a key_id that is no KMS key reference, a secret). */
export class ValidationFailedError extends ApiError {
  override readonly name = 'ValidationFailedError';
  /**
   * @param message - the summary
   * @param issues - one line per problem (the seed's `details.issues`)
   * @param extra - more details (`fields`…)
   */
  constructor(message: string, issues: readonly string[], extra: ErrorDetails = {}) {
    super(422, 'validation_failed', message, { issues: [...issues], ...extra });
  }
}

/** 503: a service the API depends on refused the request; retrying later may work. */
export class ServiceUnavailableApiError extends ApiError {
  override readonly name = 'ServiceUnavailableApiError';
  override readonly code = ErrorCode.StorageUnavailable;
  constructor(message: string, options?: ErrorOptions) {
    super(503, 'service_unavailable', message, {}, options);
  }
}

/** 500: a fault of Haven's; the message never reveals the cause. */
export class InternalApiError extends ApiError {
  override readonly name = 'InternalApiError';
  override readonly code = ErrorCode.BackupFailed;
  constructor(options?: ErrorOptions) {
    super(500, 'internal_error', 'the request failed; it has been logged with its request id', {}, options);
  }
}
