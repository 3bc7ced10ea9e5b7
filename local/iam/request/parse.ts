/** Reads a raw SigV4-signed request into the call it makes: credential, service, protocol, operation, parameters. */
import { REST_PROTOCOL, Service } from '../services.js';
import type { RawRequest } from '../types.js';
import type { ParsedCall } from './call.js';
import { readCredential } from './credential.js';
import { parseRestJson } from './rest-json.js';
import { parseRpc } from './rpc.js';
import { parseS3, s3NeedsBody } from './s3.js';

/**
 * True when authorizing the request needs its body. S3 bodies (object data)
 * stream through unread except for DeleteObjects and PutObjectRetention;
 * every other service's body holds the operation's input.
 */
export function needsBody(service: string, method: string, url: string): boolean {
  return service === Service.S3 ? s3NeedsBody(method.toUpperCase(), url) : true;
}

/**
 * The call a request makes.
 * @throws RequestParseError when the request is unsigned or names no operation the proxy can read
 */
export function parseRequest(request: RawRequest): ParsedCall {
  const credential = readCredential(request);
  const service = credential.service;
  const restProtocol = REST_PROTOCOL[service as Service];
  if (service === Service.S3) return { credential, service, protocol: restProtocol!, ...parseS3(request) };
  if (restProtocol) return { credential, service, protocol: restProtocol, ...parseRestJson(service, request) };
  return { credential, service, ...parseRpc(request) };
}
