/**
 * Reads RPC-style requests: the JSON protocols (`X-Amz-Target:
 * Prefix.Operation`, JSON body: DynamoDB, KMS, Step Functions, EventBridge,
 * Secrets Manager, SQS) and the query protocol (`Action=Operation&...` in a
 * form body or the URL: SNS, and SQS from older clients).
 */
import { RequestParseError } from '../errors.js';
import { Protocol } from '../services.js';
import type { RawRequest } from '../types.js';
import { headerValue } from './headers.js';

/**
 * The operation and parameters of a JSON or query request.
 * @throws RequestParseError when neither an `X-Amz-Target` nor an `Action` names the operation, or the body is not JSON
 */
export function parseRpc(request: RawRequest): { protocol: Protocol; operation: string; params: Record<string, unknown> } {
  const target = headerValue(request.headers, 'x-amz-target');
  if (target) {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    if (!operation) throw new RequestParseError(`malformed X-Amz-Target ${JSON.stringify(target)}`);
    const text = request.body.toString('utf8').trim();
    let params: unknown;
    try {
      params = text ? JSON.parse(text) : {};
    } catch {
      throw new RequestParseError(`the ${operation} request body is not JSON`);
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new RequestParseError(`the ${operation} request body is not a JSON object`);
    return { protocol: Protocol.Json, operation, params: params as Record<string, unknown> };
  }
  const q = request.url.indexOf('?');
  const form = new URLSearchParams(q === -1 ? '' : request.url.slice(q + 1));
  if ((headerValue(request.headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) form.append(name, value);
  }
  const operation = form.get('Action');
  if (!operation) throw new RequestParseError('the request names no operation: no X-Amz-Target header and no Action parameter');
  const params: Record<string, unknown> = {};
  for (const [name, value] of form) if (name !== 'Action' && name !== 'Version') params[name] = value;
  return { protocol: Protocol.Query, operation, params };
}
