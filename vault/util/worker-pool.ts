/**
 * A small pool of `worker_threads` for CPU-bound work that should not run
 * on the main thread.
 *
 * Workers run a handler given as JavaScript source (`new Worker(source,
 * { eval: true })`), not a file: a worker file would have to be found next
 * to the running code, which neither tsx (TypeScript sources) nor an esbuild
 * bundle (one file per Lambda function) provide reliably. Handlers must
 * therefore be self-contained CommonJS (they may `require` Node built-ins)
 * and are not transpiled. Workers start with no `execArgv`, so loaders such
 * as tsx are not loaded into them.
 *
 * - Lazy: workers start on the first task.
 * - Never keeps a process alive: workers are unreferenced while the pool is
 *   idle, referenced while it has tasks.
 * - Bounded hand-off: a worker holds at most `perWorker` tasks (one running,
 *   the rest waiting in its port); the rest wait in the pool's queue, so
 *   tasks go to whichever worker frees up first.
 * - Garbage: buffers moved into a worker become garbage there, and a worker
 *   allocates too little JavaScript for V8 to collect often, so dead
 *   ArrayBuffers (and the malloc arenas behind them) would pile up by the
 *   hundred MiB. With `collectEveryBytes`, each worker runs a minor GC
 *   (scavenge, well under a millisecond on its small heap) after every that
 *   many bytes moved in. V8 exposes `gc` to a context only when the flag
 *   `--expose-gc` is set while the context is created, so the pool sets the
 *   flag while its workers start and clears it again once they are ready
 *   (the approach jest uses), unless the process already runs with `gc`
 *   exposed. Without `gc`, workers run as usual and only use more memory.
 * - Failure: when no worker could start, queued tasks (never posted, inputs
 *   intact) fail with `WorkerUnavailableError` and so does every later task,
 *   so callers can fall back to running the work themselves. A worker that
 *   stops fails its own tasks with `WorkerCrashedError` and is not replaced.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { WorkerCrashedError, WorkerTaskError, WorkerUnavailableError } from './worker-errors.js';

/** How a pool is built. */
export interface WorkerPoolOptions {
  /**
   * A JavaScript expression (CommonJS; `require` of Node built-ins allowed)
   * that evaluates to the task handler:
   * `(body) => ({ value, transfer })`, where `value` is posted back and
   * `transfer` lists the ArrayBuffers in it to move rather than copy.
   */
  handler: string;
  /** Workers to start (at least 1). */
  size: number;
  /** Tasks handed to one worker at once (default 2: one running, one waiting). */
  perWorker?: number;
  /** Run a minor GC in a worker after tasks that moved (or declared) this many bytes (default: never). */
  collectEveryBytes?: number;
  /**
   * Tasks waiting in the pool's own queue (not yet handed to a worker) above
   * which {@link WorkerPool.room} makes producers wait (default: `size * perWorker`).
   */
  maxQueued?: number;
}

/** What a pool is doing, for back-pressure decisions, tests and diagnostics. */
export interface WorkerPoolStats {
  /** Workers running (started and not stopped). */
  workers: number;
  /** Tasks handed to workers and not settled yet. */
  running: number;
  /** Tasks waiting in the pool's queue. */
  queued: number;
  /** Tasks a worker finished (with a value or a handler error). */
  completed: number;
}

interface Task {
  id: number;
  body: unknown;
  /** Bytes of garbage the task leaves in the worker. */
  bytes: number;
  transfer: readonly TransferListItem[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running: Map<number, Task>;
  failure?: unknown;
}

/** What a worker posts back for each task. */
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } } | { ready: true };

const READY_MESSAGE = '{ ready: true }';

/** The worker's script: the handler plus the message loop around it. */
function workerSource(handler: string, collectEveryBytes: number): string {
  return `'use strict';
const { parentPort } = require('node:worker_threads');
const handle = (${handler});
const collect = typeof globalThis.gc === 'function' && ${collectEveryBytes} > 0 ? globalThis.gc : undefined;
let moved = 0;
parentPort.on('message', ({ id, body, bytes }) => {
  let reply;
  let transfer = [];
  try {
    const out = handle(body);
    reply = { id, ok: true, value: out.value };
    transfer = out.transfer;
  } catch (error) {
    const name = error && typeof error.name === 'string' ? error.name : 'Error';
    const message = error && typeof error.message === 'string' ? error.message : String(error);
    reply = { id, ok: false, error: { name, message } };
  }
  parentPort.postMessage(reply, transfer);
  moved += bytes;
  if (collect && moved >= ${collectEveryBytes}) {
    moved = 0;
    collect({ type: 'minor' });
  }
});
parentPort.postMessage(${READY_MESSAGE});
`;
}

/** Cores to use by default: `os.availableParallelism()`, at least 1. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

/** Runs tasks on a few worker threads. */
export class WorkerPool {
  readonly #source: string;
  readonly #size: number;
  readonly #perWorker: number;
  readonly #collect: boolean;
  #exposedGc = false;
  #readyWaiters: Array<() => void> = [];
  #slots: Slot[] = [];
  #queue: Task[] = [];
  #nextId = 1;
  #started = false;
  #unavailable: WorkerUnavailableError | undefined;
  #referenced = false;
  readonly #maxQueued: number;
  #roomWaiters: Array<() => void> = [];
  #completed = 0;

  constructor(options: WorkerPoolOptions) {
    const collectEveryBytes = Math.max(0, Math.floor(options.collectEveryBytes ?? 0));
    this.#source = workerSource(options.handler, collectEveryBytes);
    this.#size = Math.max(1, Math.floor(options.size));
    this.#perWorker = Math.max(1, Math.floor(options.perWorker ?? 2));
    this.#collect = collectEveryBytes > 0;
    this.#maxQueued = Math.max(0, Math.floor(options.maxQueued ?? this.#size * this.#perWorker));
  }

  /** Current counts (see {@link WorkerPoolStats}). */
  get stats(): WorkerPoolStats {
    let running = 0;
    for (const slot of this.#slots) running += slot.running.size;
    return { workers: this.#slots.length, running, queued: this.#queue.length, completed: this.#completed };
  }

  /**
   * Back-pressure for producers: settles once the pool's queue holds at most
   * `maxQueued` tasks (at once when it already does, or when no worker runs,
   * so a caller falling back to its own thread never waits). Await it before
   * preparing the next task to keep the work (and its buffers) bounded.
   */
  room(): Promise<void> {
    if (this.#queue.length <= this.#maxQueued || this.#unavailable) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Number of workers the pool runs (once started). */
  get size(): number {
    return this.#size;
  }

  /**
   * Runs one task on a worker.
   * @param body - the handler's argument (structured-cloned)
   * @param transfer - ArrayBuffers in `body` to move to the worker; they are
   *   detached only once the task is posted (not when it fails with `WorkerUnavailableError`)
   * @param weight - bytes of garbage the task leaves in the worker, counted
   *   towards `collectEveryBytes` (default: the bytes transferred)
   * @throws WorkerUnavailableError when no worker runs; WorkerCrashedError
   *   when the worker stopped with the task; WorkerTaskError when the handler threw
   */
  run<T>(body: unknown, transfer: readonly TransferListItem[] = [], weight?: number): Promise<T> {
    if (!this.#started) this.#start();
    if (this.#unavailable) return Promise.reject(this.#unavailable);
    return new Promise<T>((resolve, reject) => {
      const bytes = weight ?? transfer.reduce((n: number, item) => n + (item instanceof ArrayBuffer ? item.byteLength : 0), 0);
      this.#queue.push({ id: this.#nextId++, body, bytes, transfer, resolve: resolve as (value: unknown) => void, reject });
      this.#pump();
    });
  }

  /**
   * Starts the workers now rather than with the first task, so they boot
   * while the caller prepares work.
   * @returns settles once every worker is ready (or has stopped)
   */
  warm(): Promise<void> {
    if (!this.#started) this.#start();
    if (this.#slots.every((slot) => slot.ready)) return Promise.resolve();
    return new Promise((resolve) => {
      this.#readyWaiters.push(resolve);
      this.#updateRefs();
    });
  }

  /**
   * Stops every worker. Tasks they hold fail with `WorkerCrashedError`,
   * queued tasks with `WorkerUnavailableError`; a later `run` starts new workers.
   */
  async close(): Promise<void> {
    const slots = this.#slots;
    this.#slots = [];
    this.#started = false;
    this.#unavailable = undefined;
    this.#referenced = false;
    this.#afterStartup();
    this.#failQueue(new WorkerUnavailableError('worker pool closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #start(): void {
    this.#started = true;
    if (this.#collect && typeof globalThis.gc !== 'function') {
      setFlagsFromString('--expose-gc');
      this.#exposedGc = true;
    }
    for (let i = 0; i < this.#size; i++) {
      let worker: Worker;
      try {
        worker = new Worker(this.#source, { eval: true, execArgv: [] });
      } catch (error) {
        this.#unavailable ??= new WorkerUnavailableError(`cannot start a worker thread: ${describe(error)}`, { cause: error });
        continue;
      }
      const slot: Slot = { worker, ready: false, running: new Map() };
      worker.on('message', (reply: Reply) => this.#onMessage(slot, reply));
      worker.on('error', (error: unknown) => {
        slot.failure ??= error;
      });
      worker.on('exit', (code: number) => this.#onExit(slot, code));
      worker.unref(); // referenced again by #updateRefs while tasks wait
      this.#slots.push(slot);
    }
    this.#referenced = false;
    this.#afterStartup();
    if (this.#slots.length > 0) this.#unavailable = undefined;
    else this.#unavailable ??= new WorkerUnavailableError('cannot start a worker thread');
  }

  #onMessage(slot: Slot, reply: Reply): void {
    if ('ready' in reply) {
      slot.ready = true;
      this.#afterStartup();
    } else {
      const task = slot.running.get(reply.id);
      if (task) {
        slot.running.delete(reply.id);
        this.#completed += 1;
        if (reply.ok) task.resolve(reply.value);
        else task.reject(new WorkerTaskError(`worker task failed: ${reply.error.name}: ${reply.error.message}`, reply.error.name));
      }
    }
    this.#pump();
  }

  #onExit(slot: Slot, code: number): void {
    const reason = slot.failure ? describe(slot.failure) : `exit code ${code}`;
    for (const task of slot.running.values()) {
      task.reject(new WorkerCrashedError(`worker thread stopped while running a task (${reason})`, slot.failure ? { cause: slot.failure } : undefined));
    }
    slot.running.clear();
    const at = this.#slots.indexOf(slot);
    if (at < 0) return; // from a closed generation
    this.#slots.splice(at, 1);
    this.#afterStartup();
    if (this.#slots.length === 0) {
      this.#unavailable = new WorkerUnavailableError(`no worker thread is running (last: ${reason})`, slot.failure ? { cause: slot.failure } : undefined);
      this.#failQueue(this.#unavailable);
    }
    this.#pump();
  }

  /** Hands queued tasks to ready workers with room, least loaded first. */
  #pump(): void {
    while (this.#queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of this.#slots) {
        if (slot.ready && slot.running.size < this.#perWorker && (!best || slot.running.size < best.running.size)) best = slot;
      }
      if (!best) break;
      const task = this.#queue.shift()!;
      best.running.set(task.id, task);
      try {
        best.worker.postMessage({ id: task.id, body: task.body, bytes: task.bytes }, task.transfer);
      } catch (error) {
        best.running.delete(task.id);
        task.reject(error);
      }
      task.body = undefined;
    }
    this.#wakeProducers();
    this.#updateRefs();
  }

  /** Settles `room()` waiters once the queue is short enough (or empty because it failed). */
  #wakeProducers(): void {
    if (this.#roomWaiters.length === 0 || this.#queue.length > this.#maxQueued) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Once no worker of ours is still starting: clears `--expose-gc` again and settles `warm()`. */
  #afterStartup(): void {
    if (!this.#slots.every((slot) => slot.ready)) return;
    if (this.#exposedGc) {
      setFlagsFromString('--no-expose-gc');
      this.#exposedGc = false;
    }
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const resolve of waiters) resolve();
    this.#updateRefs();
  }

  #failQueue(error: unknown): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const task of queued) task.reject(error);
    this.#wakeProducers();
  }

  /** Workers keep the process alive only while there is work. */
  #updateRefs(): void {
    const busy = this.#queue.length > 0 || this.#readyWaiters.length > 0 || this.#slots.some((slot) => slot.running.size > 0);
    if (busy === this.#referenced) return;
    this.#referenced = busy;
    for (const slot of this.#slots) {
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
