/**
 * The error responses the proxy answers with, exactly as AWS shapes them for
 * each protocol, so the SDK raises what it would raise against AWS:
 *
 * | protocol | denied | unknown access key |
 * |---|---|---|
 * | S3 REST-XML | 403 `<Error><Code>AccessDenied</Code>` (no body for HEAD) | 403 `InvalidAccessKeyId` |
 * | JSON (`X-Amz-Target`) | 400 `AccessDeniedException` | 400 `UnrecognizedClientException` |
 * | REST-JSON (Lambda, Scheduler) | 403 `AccessDeniedException` | 403 `UnrecognizedClientException` |
 * | query (SNS, IAM; SQS from old clients) | 403 `AuthorizationError` (SNS) / `AccessDenied` | 403 `InvalidClientTokenId` |
 *
 * A call naming a KMS alias that does not exist is answered as KMS answers
 * it, before any authorization: 400 `NotFoundException` (JSON).
 */
import { randomUUID } from 'node:crypto';
import { Protocol, QUERY_ONLY, Service, REST_PROTOCOL } from './services.js';
import { xmlEscape } from './request/xml.js';
import type { Check } from './types.js';

/** What went wrong, independent of protocol. */
export const Failure = {
  AccessDenied: 'AccessDenied',
  UnknownAccessKey: 'UnknownAccessKey',
  Unsigned: 'Unsigned',
  /** What the call names does not exist (a KMS alias). */
  NotFound: 'NotFound',
} as const;
export type Failure = (typeof Failure)[keyof typeof Failure];

/** A complete HTTP response. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The protocol a service's denial is answered in when the request itself could not be read. */
export function protocolOfService(service: string): Protocol {
  return REST_PROTOCOL[service as Service] ?? (QUERY_ONLY.has(service) ? Protocol.Query : Protocol.Json);
}

/** AWS's sentence for a denied authorization. S3 quotes the resource ARN; the JSON services do not. */
export function accessDeniedMessage(principalArn: string, check: Check, protocol: Protocol): string {
  const resource = protocol === Protocol.RestXml ? `"${check.request.resource}"` : check.request.resource;
  return `User: ${principalArn} is not authorized to perform: ${check.request.action} on resource: ${resource} ${check.message ?? ''}`.trimEnd();
}

const CODES: Record<Protocol, Record<Failure, { status: number; code: string }>> = {
  [Protocol.RestXml]: {
    AccessDenied: { status: 403, code: 'AccessDenied' },
    UnknownAccessKey: { status: 403, code: 'InvalidAccessKeyId' },
    Unsigned: { status: 403, code: 'AccessDenied' },
    NotFound: { status: 404, code: 'NoSuchKey' },
  },
  [Protocol.Json]: {
    AccessDenied: { status: 400, code: 'AccessDeniedException' },
    UnknownAccessKey: { status: 400, code: 'UnrecognizedClientException' },
    Unsigned: { status: 400, code: 'MissingAuthenticationTokenException' },
    NotFound: { status: 400, code: 'NotFoundException' },
  },
  [Protocol.RestJson]: {
    AccessDenied: { status: 403, code: 'AccessDeniedException' },
    UnknownAccessKey: { status: 403, code: 'UnrecognizedClientException' },
    Unsigned: { status: 403, code: 'MissingAuthenticationTokenException' },
    NotFound: { status: 404, code: 'ResourceNotFoundException' },
  },
  [Protocol.Query]: {
    AccessDenied: { status: 403, code: 'AccessDenied' },
    UnknownAccessKey: { status: 403, code: 'InvalidClientTokenId' },
    Unsigned: { status: 403, code: 'MissingAuthenticationToken' },
    NotFound: { status: 404, code: 'NotFound' },
  },
};

/** Query-protocol services whose denial code differs from `AccessDenied`, and their XML namespaces. */
const QUERY_SERVICES: Record<string, { accessDenied: string; namespace: string }> = {
  [Service.SNS]: { accessDenied: 'AuthorizationError', namespace: 'https://sns.amazonaws.com/doc/2010-03-31/' },
  [Service.SQS]: { accessDenied: 'AccessDenied', namespace: 'http://queue.amazonaws.com/doc/2012-11-05/' },
  [Service.IAM]: { accessDenied: 'AccessDenied', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' },
};

/** AWS's standard message for an unknown access key, by protocol. */
export function unknownKeyMessage(protocol: Protocol): string {
  return protocol === Protocol.RestXml ? 'The AWS Access Key Id you provided does not exist in our records.' : 'The security token included in the request is invalid.';
}

/** The response for a failure in the given protocol. */
export function errorResponse(options: { protocol: Protocol; service: string; failure: Failure; message: string; method: string; jsonContentType?: string }): ErrorResponse {
  const { protocol, service, failure, message } = options;
  const { status } = CODES[protocol][failure];
  let { code } = CODES[protocol][failure];
  const requestId = randomUUID();
  const noBody = options.method.toUpperCase() === 'HEAD';
  switch (protocol) {
    case Protocol.RestXml: {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId><HostId>local-iam-proxy</HostId></Error>`;
      return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body: noBody ? Buffer.alloc(0) : Buffer.from(xml) };
    }
    case Protocol.Query: {
      const known = QUERY_SERVICES[service];
      if (failure === Failure.AccessDenied && known) code = known.accessDenied;
      const namespace = known?.namespace ?? `https://${service}.amazonaws.com/doc/`;
      const xml = `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: Buffer.from(xml) };
    }
    case Protocol.Json:
    case Protocol.RestJson: {
      const contentType = protocol === Protocol.Json ? (options.jsonContentType ?? 'application/x-amz-json-1.1') : 'application/json';
      return {
        status,
        headers: { 'content-type': contentType, 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
        body: noBody ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ __type: code, message })),
      };
    }
  }
}
