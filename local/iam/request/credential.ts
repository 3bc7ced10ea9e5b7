/** Reads the SigV4 credential scope (`AKID/date/region/service/aws4_request`) of a request. */
import { RequestParseError } from '../errors.js';
import type { RawRequest } from '../types.js';
import { headerValue } from './headers.js';

/** Who signed a request, and for which region and service. */
export interface Credential {
  accessKeyId: string;
  region: string;
  /** The signing name, e.g. `s3`, `states`, `execute-api`. */
  service: string;
}

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

/**
 * The credential of a SigV4-signed request, from the `Authorization` header
 * or, for a presigned URL, the `X-Amz-Credential` query parameter. The
 * signature is not verified: moto does not verify it either, and the
 * credentials are the local stack's own.
 * @throws RequestParseError when the request is not SigV4-signed
 */
export function readCredential(request: Pick<RawRequest, 'headers' | 'url'>): Credential {
  const authorization = headerValue(request.headers, 'authorization');
  let scope: string | undefined;
  if (authorization) {
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) throw new RequestParseError('the Authorization header is not AWS Signature Version 4 (AWS4-HMAC-SHA256)');
    scope = /Credential=([^,\s]+)/.exec(authorization)?.[1];
  } else {
    const query = request.url.indexOf('?');
    if (query !== -1) scope = new URLSearchParams(request.url.slice(query + 1)).get('X-Amz-Credential') ?? undefined;
  }
  if (!scope) throw new RequestParseError('the request is not signed: no SigV4 Authorization header or X-Amz-Credential');
  const match = SCOPE.exec(scope);
  if (!match) throw new RequestParseError(`malformed SigV4 credential scope ${JSON.stringify(scope.replace(/^[^/]*/, '<key>'))}`);
  return { accessKeyId: match[1]!, region: match[3]!, service: match[4]! };
}
