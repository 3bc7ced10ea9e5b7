/**
 * The API's middy middlewares: a request id on every response, a body size
 * limit (413), JSON bodies only (415, 400 for malformed JSON), and the
 * error handler that answers with the seed's `{error, message, details}`
 * and never a stack or a cause.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../control/api/errors.js';
import { toApiError } from '../../control/api/error-mapping.js';
import type { ApiEvent } from './event.js';

type Middleware = middy.MiddlewareObj<ApiEvent, APIGatewayProxyResult, Error, Context>;

/** The largest body accepted (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The deepest JSON nesting accepted. */
export const MAX_JSON_DEPTH = 32;

/** Headers of every response. */
export function baseHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-request-id': requestId };
}

/** Sets the request id (API Gateway's, else a new one) and puts it on every response. */
export function requestId(): Middleware {
  const stamp: Middleware['after'] = (request) => {
    const id = request.event.havenRequestId ?? '';
    if (request.response) request.response.headers = { ...request.response.headers, 'x-request-id': id };
  };
  return {
    before: (request) => {
      request.event.havenRequestId = request.event.requestContext?.requestId || randomUUID();
    },
    after: stamp,
    onError: stamp,
  };
}

/** The size of the body in bytes (decoded when base64). */
function bodyBytes(event: ApiEvent): number {
  if (event.body === null || event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body);
}

/** Refuses bodies over `limit` bytes with a 413. */
export function bodyLimit(limit = MAX_BODY_BYTES): Middleware {
  return {
    before: (request) => {
      if (bodyBytes(request.event) > limit) throw new PayloadTooLargeError(limit);
    },
  };
}

function header(event: ApiEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return entry?.[1] ?? undefined;
}

/** Nesting depth of a parsed JSON value, without recursion. */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, depth);
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return max;
}

/** Parses a JSON body into `havenBody`: 415 for other media types, 400 for malformed or too deeply nested JSON. */
export function jsonBody(): Middleware {
  return {
    before: (request) => {
      const { event } = request;
      const raw = event.body === null || event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      if (raw.trim() === '') {
        event.havenBody = undefined;
        return;
      }
      const type = header(event, 'content-type');
      if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) throw new UnsupportedMediaTypeError(type);
      try {
        event.havenBody = JSON.parse(raw);
      } catch (error) {
        // V8's message quotes the input, which may hold anything: report only where parsing stopped.
        const position = /position (\d+)/.exec((error as Error).message)?.[1];
        throw new BadRequestError('invalid_json', 'the body is not valid JSON', [{ field: 'body', issue: position ? `malformed JSON at position ${position}` : 'malformed JSON' }]);
      }
      if (jsonDepth(event.havenBody) > MAX_JSON_DEPTH) {
        throw new BadRequestError('invalid_json', `the body nests deeper than ${MAX_JSON_DEPTH} levels`, [{ field: 'body', issue: 'too deeply nested' }]);
      }
    },
  };
}

/** Answers every error with the seed's body; logs 5xx with their names (never bodies or secrets). */
export function errorHandler(logger: Logger): Middleware {
  return {
    onError: (request) => {
      const error = toApiError(request.error);
      if (error.status >= 500) {
        const cause = (error.cause ?? request.error) as Error | undefined;
        logger.error('request failed', { status: error.status, errorName: cause?.name, errorMessage: cause?.message });
      }
      request.response = { statusCode: error.status, headers: { ...baseHeaders(request.event.havenRequestId ?? ''), ...error.headers() }, body: JSON.stringify(error.body()) };
    },
  };
}
