/**
 * The local API Gateway: serves the template's REST API over HTTP on
 * 127.0.0.1. Routes come from the template's resources and methods; each
 * request is matched as API Gateway matches it (literal path parts before
 * `{param}`, `{proxy+}` last), turned into a proxy event, and the method's
 * Lambda integration is invoked through the function host, under the
 * function's role. What API Gateway answers itself (an unknown route, a
 * body over 10 MB, a missing required parameter, a failed integration) is
 * answered with the template's gateway responses.
 *
 * Differences from API Gateway: requests are not authenticated (SigV4 or a
 * token is not checked; the caller's access key, when signed, is passed as
 * the identity), and stage throttling is not applied.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { FunctionHost } from '../functions/host.js';
import { proxyEvent } from '../api/proxy-event.js';
import type { DeployedApi, DeployedRoute, Deployment } from './deployment.js';

/** API Gateway's own request body limit (10 MB). */
export const GATEWAY_BODY_LIMIT = 10 * 1024 * 1024;

/** Gateway response types and the status API Gateway gives each by default. */
export const GatewayResponseType = {
  MissingAuthenticationToken: ['MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token'],
  RequestTooLarge: ['REQUEST_TOO_LARGE', 413, 'Request Too Long'],
  BadRequestParameters: ['BAD_REQUEST_PARAMETERS', 400, 'Missing required request parameters'],
  IntegrationFailure: ['INTEGRATION_FAILURE', 502, 'Internal server error'],
} as const;
type GatewayResponse = (typeof GatewayResponseType)[keyof typeof GatewayResponseType];

/** A served API. */
export interface LocalApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Options of {@link startApiGateway}. */
export interface ApiGatewayOptions {
  /** @default `HAVEN_API_PORT`, else 3000; 0 picks a free port */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
}

interface Match {
  route: DeployedRoute;
  pathParameters: Record<string, string>;
}

/** Splits a route path into segments. */
function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** How specific a route is, for ordering candidates (API Gateway prefers literal parts). */
function specificity(route: DeployedRoute): number[] {
  return segments(route.path).map((s) => (s.endsWith('+}') ? 0 : s.startsWith('{') ? 1 : 2));
}

/** The route a request path takes, or undefined. */
export function matchRoute(api: DeployedApi, method: string, path: string): Match | undefined {
  const parts = segments(path);
  const candidates: Match[] = [];
  for (const route of api.routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pattern = segments(route.path);
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      if (p.endsWith('+}')) {
        if (i >= parts.length) ok = false;
        else params[p.slice(1, -2)] = parts.slice(i).join('/');
        break;
      }
      const part = parts[i];
      if (part === undefined) {
        ok = false;
        break;
      }
      if (p.startsWith('{')) params[p.slice(1, -1)] = part;
      else if (p !== part) {
        ok = false;
        break;
      }
      if (i === pattern.length - 1 && parts.length !== pattern.length) ok = false;
    }
    if (pattern.length === 0 && parts.length !== 0) ok = false;
    if (ok) candidates.push({ route, pathParameters: params });
  }
  candidates.sort((a, b) => {
    const sa = specificity(a.route);
    const sb = specificity(b.route);
    for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
      const d = (sb[i] ?? -1) - (sa[i] ?? -1);
      if (d !== 0) return d;
    }
    return (a.route.method === 'ANY' ? 1 : 0) - (b.route.method === 'ANY' ? 1 : 0);
  });
  return candidates[0];
}

function gatewayReply(api: DeployedApi, [type, defaultStatus, message]: GatewayResponse, requestId: string): APIGatewayProxyResult {
  const configured = api.gatewayResponses[type] ?? api.gatewayResponses[defaultStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'];
  const body = configured?.template
    ? configured.template.replaceAll('$context.error.messageString', JSON.stringify(message)).replaceAll('$context.requestId', requestId)
    : JSON.stringify({ message });
  return {
    statusCode: Number(configured?.statusCode ?? defaultStatus),
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': type },
    body,
  };
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_BODY_LIMIT) parts.push(chunk);
    });
    request.on('end', () => resolve(size > GATEWAY_BODY_LIMIT ? null : Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String).join(', ');
  response.writeHead(result.statusCode, headers);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/** The caller's access key id from a SigV4 Authorization header, as API Gateway's `identity.accessKey`. */
function callerOf(request: IncomingMessage): string {
  const header = request.headers.authorization;
  return (typeof header === 'string' && /Credential=([^/]+)\//.exec(header)?.[1]) || 'local';
}

/** One request, end to end. */
async function handle(api: DeployedApi, deployment: Deployment, host: FunctionHost, request: IncomingMessage): Promise<APIGatewayProxyResult> {
  const requestId = randomUUID();
  const body = await readBody(request);
  if (body === null) return gatewayReply(api, GatewayResponseType.RequestTooLarge, requestId);
  const url = new URL(request.url ?? '/', 'http://local');
  const method = (request.method ?? 'GET').toUpperCase();
  const match = matchRoute(api, method, decodeURIComponent(url.pathname));
  if (!match) return gatewayReply(api, GatewayResponseType.MissingAuthenticationToken, requestId);
  if (match.route.validator?.parameters) {
    for (const [name, required] of Object.entries(match.route.requestParameters)) {
      if (!required) continue;
      const [, where, key] = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(name) ?? [];
      const present = where === 'path' ? match.pathParameters[key!] : where === 'querystring' ? url.searchParams.get(key!) : request.headers[key!.toLowerCase()];
      if (!present) return gatewayReply(api, GatewayResponseType.BadRequestParameters, requestId);
    }
  }
  const fn = deployment.functions.find((f) => f.arn === match.route.functionArn);
  if (!fn) return gatewayReply(api, GatewayResponseType.IntegrationFailure, requestId);
  const event: APIGatewayProxyEvent = proxyEvent(request, body, callerOf(request));
  event.resource = match.route.path;
  event.pathParameters = Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null;
  event.requestContext.resourcePath = match.route.path;
  event.requestContext.requestId = requestId;
  event.requestContext.accountId = deployment.account;
  const outcome = await host.invoke(fn.name, event);
  if (!outcome.ok) return gatewayReply(api, GatewayResponseType.IntegrationFailure, requestId);
  const result = JSON.parse(outcome.json) as APIGatewayProxyResult | null;
  if (!result || typeof result.statusCode !== 'number') return gatewayReply(api, GatewayResponseType.IntegrationFailure, requestId);
  return result;
}

/**
 * Serves the deployment's REST API.
 *
 * @throws LocalStackError when the template has no REST API
 */
export async function startApiGateway(deployment: Deployment, host: FunctionHost, options: ApiGatewayOptions = {}): Promise<LocalApiServer> {
  const api = deployment.api;
  if (!api) throw new Error('the template has no REST API');
  const server: Server = createServer((request, response) => {
    handle(api, deployment, host, request).then(
      (result) => send(response, result),
      () => send(response, gatewayReply(api, GatewayResponseType.IntegrationFailure, randomUUID())),
    );
  });
  const port = options.port ?? Number(process.env.HAVEN_API_PORT ?? 3000);
  const hostName = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostName, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${hostName}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
