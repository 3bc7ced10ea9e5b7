/** One warm container of a function: a worker thread running container-main.ts. */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LambdaErrorType } from './limits.js';
import type { ContainerInit, FunctionErrorPayload, InvokeMessage, ResultMessage } from './protocol.js';

/** The outcome of one invocation. */
export type InvocationOutcome = { ok: true; json: string } | { ok: false; error: FunctionErrorPayload };

/** The container's main module, as source (bundle.ts compiles it beside the functions). */
export const CONTAINER_MAIN_SOURCE = fileURLToPath(new URL('./container-main.ts', import.meta.url));

/** A worker thread with the function's environment, one invocation at a time (as a Lambda sandbox). */
export class Container {
  private readonly worker: Worker;
  private readonly log: WriteStream;
  private pending: { id: number; resolve: (outcome: InvocationOutcome) => void; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private dead = false;
  /** When the container last finished an invocation (for idle reaping). */
  lastUsed = Date.now();
  /** Handed to an invocation (set by the host between acquiring and releasing it). */
  claimed = false;

  /**
   * @param main - the compiled container main (plain JavaScript: the worker runs without a TypeScript loader)
   * @param init - what the container runs
   * @param env - the function's environment (becomes the worker's `process.env`)
   * @param logFile - where the function's stdout and stderr go (its CloudWatch log group, locally)
   * @param onExit - called once when the worker is gone
   */
  constructor(main: string, init: ContainerInit, env: Record<string, string>, logFile: string, private readonly onExit: (container: Container) => void) {
    mkdirSync(dirname(logFile), { recursive: true });
    this.log = createWriteStream(logFile, { flags: 'a' });
    // Plain JavaScript throughout (bundle.ts), so no loader hooks: a cold start is a module load.
    this.worker = new Worker(main, { workerData: init, env, stdout: true, stderr: true, execArgv: [] });
    this.worker.stdout.pipe(this.log, { end: false });
    this.worker.stderr.pipe(this.log, { end: false });
    this.worker.on('error', (error) => this.finish({ ok: false, error: { errorType: LambdaErrorType.Exited, errorMessage: error.message } }));
    this.worker.on('exit', (code) => {
      this.dead = true;
      this.finish({ ok: false, error: { errorType: LambdaErrorType.Exited, errorMessage: `the function's runtime exited (code ${code})` } });
      this.log.end();
      this.onExit(this);
    });
    this.worker.on('message', (message: ResultMessage) => {
      if (this.pending?.id !== message.id) return;
      this.finish(message.ok ? { ok: true, json: message.json } : { ok: false, error: message.error });
    });
  }

  /** True while an invocation runs. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** True once the worker has exited. */
  get exited(): boolean {
    return this.dead;
  }

  /**
   * Runs one invocation (after `delayMs` of injected slowness). Past `timeoutMs` the container is stopped, as Lambda
   * stops a sandbox, and the invocation fails with `Sandbox.Timedout`.
   */
  invoke(event: unknown, requestId: string, timeoutMs: number, delayMs = 0): Promise<InvocationOutcome> {
    if (this.pending || this.dead) throw new Error('container is not idle');
    const id = this.nextId++;
    const message: InvokeMessage = { id, event, deadline: Date.now() + timeoutMs, requestId, delayMs };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.finish({ ok: false, error: { errorType: LambdaErrorType.Timeout, errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` } });
        void this.stop();
      }, timeoutMs);
      this.pending = { id, resolve, timer };
      this.worker.postMessage(message);
    });
  }

  /** Stops the worker. */
  async stop(): Promise<void> {
    if (!this.dead) await this.worker.terminate();
  }

  private finish(outcome: InvocationOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.lastUsed = Date.now();
    pending.resolve(outcome);
  }
}
