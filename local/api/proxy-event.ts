/** Turns a Node HTTP request into an API Gateway REST proxy event, the way API Gateway builds it. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/**
 * @param request - the HTTP request (its body already read)
 * @param body - the body, as text
 * @param caller - the identity to report (the local server has no SigV4)
 * @returns the proxy event
 */
export function proxyEvent(request: IncomingMessage, body: string, caller: string): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://local');
  const query: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multi[name] ??= []).push(value);
  }
  const headers: Record<string, string> = {};
  const multiHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiHeaders[name] = values;
  }
  const path = decodePath(url.pathname);
  const requestId = randomUUID();
  return {
    resource: path,
    path,
    httpMethod: (request.method ?? 'GET').toUpperCase(),
    headers,
    multiValueHeaders: multiHeaders,
    queryStringParameters: url.searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: url.searchParams.size > 0 ? multi : null,
    pathParameters: null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: (request.method ?? 'GET').toUpperCase(),
      identity: { userArn: caller, sourceIp: request.socket.remoteAddress ?? '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: path,
    },
  };
}
