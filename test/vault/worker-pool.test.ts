import { afterAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { WorkerCrashedError, WorkerTaskError, WorkerUnavailableError } from '../../vault/util/worker-errors.js';
import { WorkerPool } from '../../vault/util/worker-pool.js';

/** Doubles every byte it is given; `{ fail }` throws; `{ exit }` ends the worker thread; `{ ms }` busy-waits first. */
const HANDLER = `(body) => {
  if (body.fail) throw new RangeError('asked to fail');
  if (body.exit) process.exit(3);
  if (body.ms) { const until = Date.now() + body.ms; while (Date.now() < until); }
  const out = new Uint8Array(body.bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = body.bytes[i] * 2;
  return { value: { out, hasGc: typeof globalThis.gc === 'function' }, transfer: [out.buffer] };
}`;

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('WorkerPool', () => {
  const pools: WorkerPool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}): WorkerPool => {
    const created = new WorkerPool({ handler: HANDLER, size: 2, ...options });
    pools.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  test('runs tasks on workers, moving transferred buffers', async () => {
    const workers = pool();
    const bytes = new Uint8Array([1, 2, 3]);
    const result = await workers.run<{ out: Uint8Array }>({ bytes }, [bytes.buffer]);
    assert.deepEqual([...result.out], [2, 4, 6]);
    assert.equal(bytes.byteLength, 0, 'the input was moved, not copied');
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => workers.run<{ out: Uint8Array }>({ bytes: new Uint8Array([i]) })));
    assert.deepEqual(
      many.map((r) => r.out[0]),
      Array.from({ length: 20 }, (_, i) => i * 2),
    );
  });

  test('each result settles its own task, whatever order the workers finish in', async () => {
    const workers = pool();
    // Early tasks take longest, so replies arrive out of submission order.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => workers.run<{ out: Uint8Array }>({ ms: (8 - i) * 5, bytes: new Uint8Array([i]) })));
    assert.deepEqual(
      results.map((r) => r.out[0]),
      Array.from({ length: 8 }, (_, i) => i * 2),
    );
    assert.equal(workers.stats.completed, 8);
  });

  test('back-pressure: a worker holds at most perWorker tasks and room() waits while the queue is over maxQueued', async () => {
    const workers = pool({ size: 1, perWorker: 1, maxQueued: 1 });
    await workers.warm();
    const tasks = Array.from({ length: 3 }, (_, i) => workers.run<{ out: Uint8Array }>({ ms: 300, bytes: new Uint8Array([i]) }));
    assert.deepEqual({ ...workers.stats, completed: 0 }, { workers: 1, running: 1, queued: 2, completed: 0 });
    let roomy = false;
    const room = workers.room().then(() => (roomy = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(roomy, false, 'room() waits while two tasks are queued');
    await tasks[0];
    await room;
    assert.equal(workers.stats.queued <= 1, true);
    await Promise.all(tasks);
    assert.deepEqual(workers.stats, { workers: 1, running: 0, queued: 0, completed: 3 });
    await workers.room(); // an idle pool has room at once
  });

  test('a handler that throws rejects its task with WorkerTaskError and the pool keeps working', async () => {
    const workers = pool();
    await assert.rejects(workers.run({ fail: true }), (error: unknown) => {
      assert.ok(error instanceof WorkerTaskError);
      assert.equal(error.remoteName, 'RangeError');
      assert.match(error.message, /asked to fail/);
      return true;
    });
    const result = await workers.run<{ out: Uint8Array }>({ bytes: new Uint8Array([5]) });
    assert.equal(result.out[0], 10);
  });

  test('a worker that stops fails its task with WorkerCrashedError; the others keep working', async () => {
    const workers = pool();
    await assert.rejects(workers.run({ exit: true }), WorkerCrashedError);
    const result = await workers.run<{ out: Uint8Array }>({ bytes: new Uint8Array([7]) });
    assert.equal(result.out[0], 14);
  });

  test('when no worker can run, tasks fail with WorkerUnavailableError before their buffers move', async () => {
    const workers = pool({ handler: '(() => { throw new Error("cannot load"); })()' });
    const bytes = new Uint8Array([1, 2, 3]);
    await assert.rejects(workers.run({ bytes }, [bytes.buffer]), WorkerUnavailableError);
    assert.equal(bytes.byteLength, 3, 'the input is still usable for a fallback');
    await assert.rejects(workers.run({ bytes }, [bytes.buffer]), WorkerUnavailableError);
  });

  test('close stops the workers; a later task starts new ones', async () => {
    const workers = pool({ size: 1 });
    assert.equal((await workers.run<{ out: Uint8Array }>({ bytes: new Uint8Array([1]) })).out[0], 2);
    await workers.close();
    assert.equal((await workers.run<{ out: Uint8Array }>({ bytes: new Uint8Array([2]) })).out[0], 4);
  });

  test('collectEveryBytes gives workers gc and leaves the flag off for everything else', async () => {
    const workers = pool({ collectEveryBytes: 1024 });
    await workers.warm();
    const result = await workers.run<{ hasGc: boolean }>({ bytes: new Uint8Array(2048) });
    assert.equal(result.hasGc, true);
    if (typeof globalThis.gc !== 'function') assert.equal(runInNewContext('typeof gc'), 'undefined');
  });

  test('an idle pool never keeps the process alive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haven-pool-'));
    try {
      const script = join(dir, 'idle.mts');
      const poolUrl = new URL('../../vault/util/worker-pool.ts', import.meta.url).href;
      writeFileSync(
        script,
        `import { WorkerPool } from ${JSON.stringify(poolUrl)};
const pool = new WorkerPool({ handler: ${JSON.stringify(HANDLER)}, size: 2, collectEveryBytes: 1 });
const result = await pool.run({ bytes: new Uint8Array([21]) });
console.log(result.out[0]);
`,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), '42');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
