/**
 * The local API server: plain HTTP on 127.0.0.1, each request turned into
 * an API Gateway proxy event and handed to the same Lambda handler CDK
 * deploys. Like API Gateway, it refuses bodies over 10 MiB itself; the
 * handler refuses those over 1 MiB.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PayloadTooLargeError } from '../../engine/api/errors.js';
import { proxyEvent } from './proxy-event.js';

/** A proxy handler as the server calls it. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own body limit. */
export const GATEWAY_BODY_LIMIT = 10 * 1024 * 1024;

/** Options of the local server. */
export interface LocalApiServerOptions {
  /** @default `HAVEN_API_PORT`, else 3000; 0 picks a free port */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** The identity requests are attributed to. @default `local` */
  caller?: string;
}

/** A running local server. */
export interface LocalApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'haven-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:haven-api',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/haven-api',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else parts.push(chunk);
    });
    request.on('end', () => resolve(over ? null : Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  response.writeHead(result.statusCode, headers);
  response.end(result.body ?? '');
}

/**
 * Serves `handler` over HTTP.
 *
 * @param handler - the API Lambda handler
 * @param options - port, host, caller
 * @returns the server's URL and a way to close it
 */
export async function startLocalApiServer(handler: ProxyHandler, options: LocalApiServerOptions = {}): Promise<LocalApiServer> {
  const caller = options.caller ?? 'local';
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request, GATEWAY_BODY_LIMIT);
        if (body === null) {
          const requestId = randomUUID();
          const error = new PayloadTooLargeError(GATEWAY_BODY_LIMIT);
          send(response, { statusCode: 413, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId }, body: JSON.stringify(error.body()) });
          return;
        }
        const event = proxyEvent(request, body, caller);
        send(response, await handler(event, lambdaContext(event.requestContext.requestId)));
      } catch {
        send(response, { statusCode: 502, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: 'bad_gateway', message: 'the API handler failed', details: {} }) });
      }
    })();
  });
  const port = options.port ?? Number(process.env.HAVEN_API_PORT ?? 3000);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
