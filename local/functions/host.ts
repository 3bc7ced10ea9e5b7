/**
 * The local function host: moto's Lambda (patched by local/emulator/moto_launcher.py)
 * POSTs each invocation here, and the host runs the function from the template in a
 * warm container (a worker thread with the function's environment), under Lambda's
 * timeout and payload limits.
 *
 * Protocol: `POST /invoke/<function name>` with `{payload}` → 200 and the handler's
 * JSON result, or 500 and `{errorType, errorMessage}` (moto then flags a function error
 * and Step Functions matches Retry and Catch on `errorType`).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { LocalStackError } from '../node-version.js';
import { Container, type InvocationOutcome } from './container.js';
import { LambdaErrorType, LambdaLimits } from './limits.js';
import type { FunctionErrorPayload } from './protocol.js';

/** A function as the template defines it, resolved for the local cloud. */
export interface HostedFunction {
  /** The function's (local physical) name. */
  name: string;
  arn: string;
  /** The construct path, e.g. `Haven/Backup/ExportPartition/Function` (names the function in tests). */
  path: string;
  /** Absolute path of the entry module (a bundle) and its exported handler. */
  entry: string;
  /** The compiled container main that loads it (bundle.ts). */
  containerMain: string;
  handler: string;
  /** The template's environment variables, resolved, plus the runtime's AWS variables. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  logGroupName: string;
}

/** One invocation as the host saw it (tests read payload sizes and errors). */
export interface InvocationRecord {
  functionName: string;
  path: string;
  requestBytes: number;
  responseBytes: number;
  durationMs: number;
  errorType?: string;
}

/**
 * A fault to inject into one invocation, for what the emulator cannot make happen on
 * its own (one Map iteration failing, a function running long, an oversized result):
 * - `error`: the invocation fails with it, without running the function;
 * - `delayMs`: the function's container sleeps this long before the handler runs
 *   (inside the function's timeout, as a slow dependency would);
 * - `result`: the invocation returns this instead of running the function
 *   (Lambda's response limit still applies);
 * - `until`: the invocation waits for this promise before the function runs (a test
 *   holds a step while something else happens and lets it go when it is done, instead
 *   of guessing a `delayMs`; the wait is not counted against the function's timeout).
 */
export type Fault = { error: FunctionErrorPayload } | { delayMs: number } | { result: unknown } | { until: Promise<unknown> };

/** Decides the fault for an invocation, or none. */
export type FaultInjector = (call: { fn: HostedFunction; event: unknown }) => Fault | undefined;

/** Options of {@link FunctionHost}. */
export interface FunctionHostOptions {
  /** Where each function's log file goes (`<logDir>/<function name>.log`). */
  logDir: string;
  /** Containers one function may run at once; more invocations wait (default 16). */
  maxContainersPerFunction?: number;
  /** Idle containers are stopped after this long (default 10 minutes, within the range Lambda keeps an idle sandbox). */
  idleMs?: number;
  faults?: FaultInjector;
}

/** The host does not know the function it was asked to run. */
export class UnknownFunctionError extends LocalStackError {
  override readonly name = 'UnknownFunctionError';
}

/** The host was closed: it starts no container and runs no invocation any more. */
export class HostClosingError extends LocalStackError {
  override readonly name = 'HostClosingError';
  constructor() {
    super('the local function host is closing: it runs no more invocations');
  }
}

interface Pool {
  fn: HostedFunction;
  containers: Set<Container>;
  /** Invocations waiting for a container: handed one, or refused when the host closes. */
  waiting: Array<{ take: (container: Container) => void; refuse: (error: Error) => void }>;
}

/** Runs the template's functions for moto. */
export class FunctionHost {
  private server: Server | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly reaper: NodeJS.Timeout;
  /** Every invocation so far, oldest first. */
  readonly invocations: InvocationRecord[] = [];
  private faults: FaultInjector | undefined;
  /** Set by `close`: invocations then fail at once, without starting a container. */
  private closing = false;

  constructor(private readonly options: FunctionHostOptions) {
    this.faults = options.faults;
    this.reaper = setInterval(() => this.reapIdle(), 10_000);
    this.reaper.unref();
  }

  /** Registers (or replaces) a function. */
  register(fn: HostedFunction): void {
    const existing = this.pools.get(fn.name);
    if (existing) for (const container of existing.containers) void container.stop();
    this.pools.set(fn.name, { fn, containers: new Set(), waiting: [] });
  }

  /** Replaces the fault injector (undefined: none). */
  setFaults(faults: FaultInjector | undefined): void {
    this.faults = faults;
  }

  /** Starts listening on 127.0.0.1; returns the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const address = server.address();
    if (!address || typeof address !== 'object') throw new LocalStackError('function host has no address');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Invokes a function directly (the local API gateway does, as API Gateway invokes Lambda). */
  async invoke(name: string, event: unknown): Promise<InvocationOutcome> {
    const pool = this.pools.get(name);
    if (!pool) throw new UnknownFunctionError(`no function named ${name}`);
    // An execution the emulator still runs after the stack is closed (a retry of an invocation the close ended)
    // must not start a container, nor keep the closing server waiting for its answer.
    if (this.closing) throw new HostClosingError();
    const text = JSON.stringify(event ?? null);
    const started = Date.now();
    const record: InvocationRecord = { functionName: name, path: pool.fn.path, requestBytes: Buffer.byteLength(text), responseBytes: 0, durationMs: 0 };
    const outcome = await this.run(pool, JSON.parse(text) as unknown, record.requestBytes);
    record.durationMs = Date.now() - started;
    if (outcome.ok) record.responseBytes = Buffer.byteLength(outcome.json);
    else record.errorType = outcome.error.errorType;
    this.invocations.push(record);
    return outcome;
  }

  /** Stops every container and the server. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.reaper);
    await Promise.all([...this.pools.values()].flatMap((pool) => [...pool.containers].map((c) => c.stop())));
    // Invocations still queued for a container get none: their containers were stopped.
    for (const pool of this.pools.values()) for (const next of pool.waiting.splice(0)) next.refuse(new HostClosingError());
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections (keepAliveTimeout) and the emulator's requests still in flight would hold the close open.
    server.closeAllConnections();
    await closed;
  }

  private async run(pool: Pool, event: unknown, requestBytes: number): Promise<InvocationOutcome> {
    if (requestBytes > LambdaLimits.requestBytes) {
      return { ok: false, error: { errorType: LambdaErrorType.RequestTooLarge, errorMessage: `Request must be smaller than ${LambdaLimits.requestBytes} bytes for the InvokeFunction operation` } };
    }
    const fault = this.faults?.({ fn: pool.fn, event });
    if (fault && 'error' in fault) return { ok: false, error: fault.error };
    if (fault && 'until' in fault) await fault.until;
    const container = fault && 'result' in fault ? undefined : await this.acquire(pool);
    try {
      const outcome: InvocationOutcome = container
        ? await container.invoke(event, randomUUID(), pool.fn.timeoutSeconds * 1000, fault && 'delayMs' in fault ? fault.delayMs : 0)
        : { ok: true, json: JSON.stringify((fault as { result: unknown }).result ?? null) };
      if (outcome.ok && Buffer.byteLength(outcome.json) > LambdaLimits.responseBytes) {
        return {
          ok: false,
          error: { errorType: LambdaErrorType.ResponseTooLarge, errorMessage: `Response payload size (${Buffer.byteLength(outcome.json)} bytes) exceeded maximum allowed payload size (${LambdaLimits.responseBytes} bytes).` },
        };
      }
      return outcome;
    } finally {
      if (container) this.release(pool, container);
    }
  }

  private acquire(pool: Pool): Promise<Container> {
    if (this.closing) return Promise.reject(new HostClosingError());
    for (const container of pool.containers) {
      if (!container.claimed && !container.exited) {
        container.claimed = true;
        return Promise.resolve(container);
      }
    }
    if (pool.containers.size < (this.options.maxContainersPerFunction ?? 16)) {
      const fn = pool.fn;
      const container = new Container(
        fn.containerMain,
        { entry: fn.entry, handler: fn.handler, functionName: fn.name, functionArn: fn.arn, memoryMb: fn.memoryMb, logGroupName: fn.logGroupName },
        fn.environment,
        join(this.options.logDir, `${fn.name}.log`),
        (gone) => {
          pool.containers.delete(gone);
          const next = pool.waiting.shift();
          if (next) this.acquire(pool).then(next.take, next.refuse); // a fresh container takes the dead one's turn
        },
      );
      container.claimed = true;
      pool.containers.add(container);
      return Promise.resolve(container);
    }
    return new Promise((take, refuse) => pool.waiting.push({ take, refuse }));
  }

  private release(pool: Pool, container: Container): void {
    if (container.exited) return; // its exit handler hands the turn on
    const next = pool.waiting.shift();
    if (next) next.take(container); // stays claimed, for the next invocation
    else container.claimed = false;
  }

  private reapIdle(): void {
    const idleMs = this.options.idleMs ?? 600_000;
    for (const pool of this.pools.values()) {
      for (const container of pool.containers) if (!container.claimed && Date.now() - container.lastUsed > idleMs) void container.stop();
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const name = decodeURIComponent((req.url ?? '').replace(/^\/invoke\//, ''));
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      const { payload } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { payload?: unknown };
      const outcome = await this.invoke(name, payload ?? {});
      if (outcome.ok) reply(200, outcome.json);
      else reply(500, JSON.stringify(outcome.error));
    } catch (error) {
      const err = error as Error;
      reply(500, JSON.stringify({ errorType: err instanceof UnknownFunctionError ? 'ResourceNotFoundException' : 'Lambda.ServiceException', errorMessage: err.message }));
    }
  }
}
