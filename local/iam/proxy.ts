/**
 * The IAM-enforcing AWS proxy of the local cloud: an HTTP server on
 * 127.0.0.1 that authorizes every SigV4-signed request against the caller's
 * IAM role policies (and the resource policies of the world), then forwards
 * it unchanged to the emulator and streams the answer back. Denied calls are
 * answered with the error AWS returns in the request's protocol.
 *
 * LICENSE: this module reaches @cloud-copilot/iam-simulate (AGPL-3.0) through
 * evaluator.ts; it is local tooling only and must never be imported from
 * vault/, sources/, control/ or functions/.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizeCall, refusal, UNRESTRICTED_DECISION } from './authorize.js';
import { deleteResult, deniedErrors, mergeErrors, rewrittenBodyHeaders, withoutDenied } from './delete-objects.js';
import { IamProxyError, ProxyOptionsError } from './errors.js';
import { IamEvaluator, type EvaluatorStats } from './evaluator.js';
import { redactParameters } from './redact.js';
import type { ParsedCall } from './request/call.js';
import { readCredential, type Credential } from './request/credential.js';
import { headerValue } from './request/headers.js';
import { needsBody, parseRequest } from './request/parse.js';
import type { DeleteObjectsEntry } from './request/s3.js';
import { accessDeniedMessage, errorResponse, Failure, protocolOfService, unknownKeyMessage, type ErrorResponse } from './responses.js';
import { Protocol } from './services.js';
import type { Decision, IamWorld, ObservedCall, Principal } from './types.js';

/** The loopback address the proxy listens on. */
const HOST = '127.0.0.1';
/** moto's own API (reset, state, config): only unrestricted callers reach it. */
const MOTO_API_PREFIX = '/moto-api/';
/** Hop-by-hop headers a proxy must not pass on. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'expect'];

/** How the proxy is started. */
export interface IamProxyOptions {
  /** The emulator's base URL, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  world: IamWorld;
  /**
   * The principal an access key id stands for: its role and policies,
   * `'unrestricted'` for the harness's and the operator's admin credentials,
   * or undefined for a key nobody issued (answered like AWS answers an
   * unknown key). Return the same Principal object per key: decisions are
   * cached by its identity.
   */
  principalFor(accessKeyId: string): Principal | 'unrestricted' | undefined;
  /** Called for every call with its principal, operation, parameters (secrets redacted) and decision. */
  observe?(call: ObservedCall): void;
  /** Apply decisions (default true). False only for debugging: decisions are still computed and observed, and a warning is printed. */
  enforce?: boolean;
  /** Port to listen on (default: a free one). */
  port?: number;
  /**
   * Calls with the same key reach the emulator one at a time (an allowed
   * call waits for the previous one's answer to finish). Emulator fidelity,
   * not IAM: moto's threaded server can let two conditional writes of one
   * DynamoDB item both pass, where DynamoDB serializes them per item.
   */
  serializeKey?(call: { service: string; operation: string; params: Readonly<Record<string, unknown>> }): string | undefined;
}

/** A running proxy. */
export interface IamProxy {
  /** The proxy's base URL: point SDK clients' `endpoint` here. */
  url: string;
  /** The evaluator's counters (requests, cache hits, time in iam-simulate). */
  stats(): EvaluatorStats;
  /** Stops listening and closes every connection (requests still in flight end unanswered). */
  close(): Promise<void>;
}

/** What one request is, once read. */
interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  /** The client sent `Expect: 100-continue` and waits for it before sending the body. */
  expectsContinue: boolean;
}

/**
 * Starts the proxy.
 * @returns its URL and a way to stop it
 */
export async function startIamProxy(options: IamProxyOptions): Promise<IamProxy> {
  const upstream = upstreamUrl(options.upstream);
  if (typeof options.principalFor !== 'function') throw new ProxyOptionsError('principalFor must be a function from access key id to principal');
  const enforce = options.enforce ?? true;
  if (!enforce) {
    process.stderr.write(
      '\n[iam-proxy] WARNING: IAM ENFORCEMENT IS OFF. Every call is forwarded whatever the role policies say;\n' +
        '[iam-proxy] WARNING: decisions are only reported. Use this for debugging only, never to make a test pass.\n\n',
    );
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const evaluator = new IamEvaluator(options.world);
  const handler = new ProxyHandler(options, enforce, upstream, agent, evaluator);
  const server = createServer((req, res) => handler.handle({ req, res, expectsContinue: false }));
  server.on('checkContinue', (req, res) => handler.handle({ req, res, expectsContinue: true }));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    stats: () => evaluator.stats(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Not only the idle ones: a keep-alive connection whose request ends after this would hold the
        // close open for the whole keepAliveTimeout.
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** The emulator URL, checked. @throws ProxyOptionsError */
function upstreamUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProxyOptionsError(`upstream ${JSON.stringify(value)} is not a URL; give the emulator's base URL, e.g. http://127.0.0.1:5000`);
  }
  if (url.protocol !== 'http:') throw new ProxyOptionsError(`upstream ${JSON.stringify(value)} must be an http:// URL (the local emulator)`);
  return url;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

class ProxyHandler {
  constructor(
    private readonly options: IamProxyOptions,
    private readonly enforce: boolean,
    private readonly upstream: URL,
    private readonly agent: Agent,
    private readonly evaluator: IamEvaluator,
  ) {}

  handle(incoming: Incoming): void {
    this.serve(incoming).catch((error: unknown) => {
      const { res } = incoming;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local IAM proxy: ${(error as Error).message}`);
      } else res.destroy(error as Error);
    });
  }

  private async serve(incoming: Incoming): Promise<void> {
    const { req } = incoming;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    let credential: Credential;
    try {
      credential = readCredential({ headers: req.headers, url });
    } catch (error) {
      if (!(error instanceof IamProxyError)) throw error;
      return this.reply(incoming, errorResponse({ protocol: Protocol.Json, service: '', failure: Failure.Unsigned, message: `Missing Authentication Token (${error.message})`, method }));
    }
    const principal = this.options.principalFor(credential.accessKeyId);
    const protocol = protocolOfService(credential.service);

    if (url.startsWith(MOTO_API_PREFIX)) {
      if (principal === 'unrestricted') return this.forward(incoming, undefined, req.headers);
      return this.reply(incoming, errorResponse({ protocol, service: credential.service, failure: Failure.AccessDenied, message: 'moto-api is reserved for unrestricted callers', method }));
    }

    if (incoming.expectsContinue && needsBody(credential.service, method, url)) incoming.res.writeContinue();
    const body = needsBody(credential.service, method, url) ? await readBody(req) : undefined;
    let call: ParsedCall | undefined;
    let parseError: Error | undefined;
    try {
      call = parseRequest({ method, url, headers: req.headers, body: body ?? Buffer.alloc(0) });
    } catch (error) {
      if (!(error instanceof IamProxyError)) throw error;
      parseError = error;
    }
    const service = call?.service ?? credential.service;
    const operation = call?.operation ?? '(unreadable request)';

    if (principal === 'unrestricted') {
      this.report(credential, 'unrestricted', service, operation, call, UNRESTRICTED_DECISION);
      return this.forward(incoming, body, req.headers);
    }
    if (principal === undefined) {
      const decision = refusal({ service, operation }, `because the access key ${credential.accessKeyId} is not known to the local IAM proxy`);
      this.report(credential, undefined, service, operation, call, decision);
      return this.reply(incoming, errorResponse({ protocol: call?.protocol ?? protocol, service, failure: Failure.UnknownAccessKey, message: unknownKeyMessage(call?.protocol ?? protocol), method }));
    }

    const decision = call ? await authorizeCall(call, principal, this.options.world, this.evaluator) : refusal({ service, operation }, `because the local IAM proxy cannot read the request: ${parseError!.message}`);
    this.report(credential, principal.arn, service, operation, call, decision);
    if (!this.enforce) return this.forward(incoming, body, req.headers);
    if (!decision.allowed) {
      const check = decision.denied!;
      const callProtocol = call?.protocol ?? protocol;
      return this.reply(
        incoming,
        errorResponse({
          protocol: callProtocol,
          service,
          failure: decision.notFound ? Failure.NotFound : Failure.AccessDenied,
          message: decision.notFound ?? accessDeniedMessage(principal.arn, check, callProtocol),
          method,
          jsonContentType: headerValue(req.headers, 'content-type'),
        }),
      );
    }
    if (decision.deniedItems && call) return this.deleteAllowedObjects(incoming, call, body!, decision);
    const key = call && this.options.serializeKey?.({ service: call.service, operation: call.operation, params: call.params });
    if (key) return this.inTurn(key, () => this.forward(incoming, body, req.headers));
    return this.forward(incoming, body, req.headers);
  }

  private readonly turns = new Map<string, Promise<void>>();

  /** Runs `work` after the previous work of the same key has finished (its answer fully sent). */
  private async inTurn(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.turns.get(key) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.catch(() => {});
    this.turns.set(key, settled);
    try {
      await run;
    } finally {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    }
  }

  private report(credential: Credential, principal: string | undefined, service: string, operation: string, call: ParsedCall | undefined, decision: Decision): void {
    if (!this.options.observe) return;
    try {
      this.options.observe({
        accessKeyId: credential.accessKeyId,
        principal,
        service,
        operation,
        parameters: redactParameters(call?.params ?? {}),
        decision,
        enforced: this.enforce,
      });
    } catch (error) {
      process.stderr.write(`[iam-proxy] observe failed: ${(error as Error).message}\n`);
    }
  }

  /** DeleteObjects with some keys denied: forward the rest, answer with the merged result. */
  private async deleteAllowedObjects(incoming: Incoming, call: ParsedCall, body: Buffer, decision: Decision): Promise<void> {
    const objects = (call.params.Delete as { Objects: DeleteObjectsEntry[] }).Objects;
    const deniedKeys = new Set(decision.deniedItems!.map((check) => check.request.item!));
    const errors = deniedErrors(objects, deniedKeys);
    if (objects.every((o) => deniedKeys.has(o.Key))) {
      const xml = Buffer.from(deleteResult(errors));
      return this.reply(incoming, { status: 200, headers: { 'content-type': 'application/xml' }, body: xml });
    }
    const rewritten = Buffer.from(withoutDenied(body.toString('utf8'), objects, deniedKeys));
    const upstreamRes = await this.send(incoming, rewritten, rewrittenBodyHeaders(incoming.req.headers, rewritten));
    const answer = await readBody(upstreamRes);
    const status = upstreamRes.statusCode ?? 502;
    const merged = status === 200 ? Buffer.from(mergeErrors(answer.toString('utf8'), errors)) : answer;
    const headers = this.responseHeaders(upstreamRes.headers);
    headers['content-length'] = String(merged.length);
    incoming.res.writeHead(status, headers);
    incoming.res.end(merged);
  }

  private reply({ req, res }: Incoming, response: ErrorResponse): void {
    req.resume();
    res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
    res.end(response.body);
  }

  /** Forwards the request (buffered body, or the request stream) and streams the answer back. */
  private async forward(incoming: Incoming, body: Buffer | undefined, headers: IncomingHttpHeaders): Promise<void> {
    if (incoming.expectsContinue && body === undefined) incoming.res.writeContinue();
    const upstreamRes = await this.send(incoming, body, headers);
    incoming.res.writeHead(upstreamRes.statusCode ?? 502, this.responseHeaders(upstreamRes.headers));
    await new Promise<void>((resolve) => {
      upstreamRes.pipe(incoming.res);
      incoming.res.once('finish', resolve);
      incoming.res.once('close', resolve);
    });
  }

  private send(incoming: Incoming, body: Buffer | undefined, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<IncomingMessage> {
    const { req } = incoming;
    const outgoing: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.includes(name)) outgoing[name] = value;
    if (body !== undefined) outgoing['content-length'] = String(body.length);
    else if (headerValue(req.headers, 'transfer-encoding') && !outgoing['content-length']) outgoing['transfer-encoding'] = 'chunked';
    return new Promise((resolve, reject) => {
      const upstreamReq = httpRequest(
        { protocol: this.upstream.protocol, hostname: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: outgoing, agent: this.agent },
        resolve,
      );
      upstreamReq.on('error', reject);
      if (body !== undefined) upstreamReq.end(body);
      else req.pipe(upstreamReq);
    });
  }

  private responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.includes(name)) out[name] = value;
    return out;
  }
}
