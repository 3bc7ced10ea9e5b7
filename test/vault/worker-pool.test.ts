import { describe, test, type TestContext } from 'vitest';
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

type Doubled = { out: Uint8Array };

/** A pool running HANDLER for one test, closed when the test ends. */
function pool(t: Pick<TestContext, 'onTestFinished'>, options: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}): WorkerPool {
  const created = new WorkerPool({ handler: HANDLER, size: 2, ...options });
  t.onTestFinished(() => created.close());
  return created;
}

describe('WorkerPool', () => {
  test('a task runs on a worker, its transferred buffer moved rather than copied', async (t) => {
    // Prepare
    const workers = pool(t);
    const bytes = new Uint8Array([1, 2, 3]);

    // Act
    const result = await workers.run<Doubled>({ bytes }, [bytes.buffer]);

    // Assess
    assert.deepEqual([...result.out], [2, 4, 6]);
    assert.equal(bytes.byteLength, 0, 'the input was moved, not copied');
  });

  test('many concurrent tasks run on the workers, each getting its own result', async (t) => {
    // Prepare
    const workers = pool(t);

    // Act
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => workers.run<Doubled>({ bytes: new Uint8Array([i]) })));

    // Assess
    assert.deepEqual(
      many.map((r) => r.out[0]),
      Array.from({ length: 20 }, (_, i) => i * 2),
    );
  });

  test('each result settles its own task, whatever order the workers finish in', async (t) => {
    // Prepare
    const workers = pool(t);

    // Act
    // Early tasks take longest, so replies arrive out of submission order.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => workers.run<Doubled>({ ms: (8 - i) * 5, bytes: new Uint8Array([i]) })));

    // Assess
    assert.deepEqual(
      results.map((r) => r.out[0]),
      Array.from({ length: 8 }, (_, i) => i * 2),
    );
    assert.equal(workers.stats.completed, 8);
  });

  test('back-pressure: a worker holds at most perWorker tasks, the others wait in the queue', async (t) => {
    // Prepare
    const workers = pool(t, { size: 1, perWorker: 1, maxQueued: 1 });
    await workers.warm();

    // Act
    const tasks = Array.from({ length: 3 }, (_, i) => workers.run<Doubled>({ ms: 300, bytes: new Uint8Array([i]) }));
    const submitted = { ...workers.stats, completed: 0 };
    await Promise.all(tasks);

    // Assess
    assert.deepEqual(submitted, { workers: 1, running: 1, queued: 2, completed: 0 });
    assert.deepEqual(workers.stats, { workers: 1, running: 0, queued: 0, completed: 3 });
  });

  test('back-pressure: room() waits while the queue is over maxQueued and settles once it is not', async (t) => {
    // Prepare
    const workers = pool(t, { size: 1, perWorker: 1, maxQueued: 1 });
    await workers.warm();
    const tasks = Array.from({ length: 3 }, (_, i) => workers.run<Doubled>({ ms: 300, bytes: new Uint8Array([i]) }));

    // Act
    let roomy = false;
    const room = workers.room().then(() => (roomy = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const roomyWhileQueued = roomy;
    await tasks[0];
    await room;

    // Assess
    assert.equal(roomyWhileQueued, false, 'room() waits while two tasks are queued');
    assert.equal(workers.stats.queued <= 1, true);
    await Promise.all(tasks); // the queued tasks finish before the pool closes
  });

  test('back-pressure: an idle pool has room at once', async (t) => {
    // Prepare
    const workers = pool(t, { size: 1, perWorker: 1, maxQueued: 1 });
    await Promise.all(Array.from({ length: 3 }, (_, i) => workers.run<Doubled>({ bytes: new Uint8Array([i]) })));

    // Act
    const settled = await Promise.race([workers.room().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000))]);

    // Assess
    assert.equal(settled, true);
  });

  test('a handler that throws rejects its task with WorkerTaskError', async (t) => {
    // Prepare
    const workers = pool(t);

    // Act
    const running = workers.run({ fail: true });

    // Assess
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof WorkerTaskError);
      assert.equal(error.remoteName, 'RangeError');
      assert.match(error.message, /asked to fail/);
      return true;
    });
  });

  test('after a handler throws, the pool keeps working', async (t) => {
    // Prepare
    const workers = pool(t);
    await assert.rejects(workers.run({ fail: true }), WorkerTaskError);

    // Act
    const result = await workers.run<Doubled>({ bytes: new Uint8Array([5]) });

    // Assess
    assert.equal(result.out[0], 10);
  });

  test('a worker that stops fails its task with WorkerCrashedError', async (t) => {
    // Prepare
    const workers = pool(t);

    // Act
    const running = workers.run({ exit: true });

    // Assess
    await assert.rejects(running, WorkerCrashedError);
  });

  test('after a worker stops, the others keep working', async (t) => {
    // Prepare
    const workers = pool(t);
    await assert.rejects(workers.run({ exit: true }), WorkerCrashedError);

    // Act
    const result = await workers.run<Doubled>({ bytes: new Uint8Array([7]) });

    // Assess
    assert.equal(result.out[0], 14);
  });

  test('when no worker can run, tasks fail with WorkerUnavailableError before their buffers move', async (t) => {
    // Prepare
    const workers = pool(t, { handler: '(() => { throw new Error("cannot load"); })()' });
    const bytes = new Uint8Array([1, 2, 3]);
    for (const attempt of ['first', 'second']) {
      // Act
      const running = workers.run({ bytes }, [bytes.buffer]);

      // Assess
      await assert.rejects(running, WorkerUnavailableError, `${attempt} task`);
      assert.equal(bytes.byteLength, 3, 'the input is still usable for a fallback');
    }
  });

  test('close stops the workers; a later task starts new ones', async (t) => {
    // Prepare
    const workers = pool(t, { size: 1 });
    const before = await workers.run<Doubled>({ bytes: new Uint8Array([1]) });

    // Act
    await workers.close();
    const afterClose = workers.stats.workers;
    const later = await workers.run<Doubled>({ bytes: new Uint8Array([2]) });

    // Assess
    assert.equal(before.out[0], 2);
    assert.equal(afterClose, 0, 'close stopped the workers');
    assert.equal(later.out[0], 4);
  });

  test('collectEveryBytes gives workers gc', async (t) => {
    // Prepare
    const workers = pool(t, { collectEveryBytes: 1024 });
    await workers.warm();

    // Act
    const result = await workers.run<{ hasGc: boolean }>({ bytes: new Uint8Array(2048) });

    // Assess
    assert.equal(result.hasGc, true);
  });

  test('collectEveryBytes leaves the gc flag off for everything but the workers', async (t) => {
    // Prepare
    const workers = pool(t, { collectEveryBytes: 1024 });
    await workers.warm();
    await workers.run<{ hasGc: boolean }>({ bytes: new Uint8Array(2048) });

    // Act
    const gcInNewContext = runInNewContext('typeof gc');

    // Assess
    if (typeof globalThis.gc !== 'function') assert.equal(gcInNewContext, 'undefined');
  });

  test('an idle pool never keeps the process alive', (t) => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'haven-pool-'));
    t.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
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

    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });

    // Assess
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '42');
  });
});
