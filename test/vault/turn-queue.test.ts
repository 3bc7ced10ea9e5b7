import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { TurnQueue } from '../../vault/util/concurrency.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnQueue', () => {
  test('ordered steps run in ticket order however the tasks finish', async () => {
    // Prepare
    const queue = new TurnQueue();
    const order: number[] = [];
    const delays = [30, 5, 20, 0, 10];

    // Act
    await Promise.all(
      delays.map(async (delay, n) => {
        const turn = queue.take();
        try {
          await new Promise((resolve) => setTimeout(resolve, delay));
          await turn.ready();
          order.push(n);
        } finally {
          turn.done();
        }
      }),
    );

    // Assess
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  test('current is true only for the first ticket not yet done', () => {
    // Prepare
    const queue = new TurnQueue();
    const a = queue.take();
    const b = queue.take();

    // Act
    const before = { a: a.current, b: b.current };
    a.done();
    const after = b.current;

    // Assess
    assert.equal(before.a, true);
    assert.equal(before.b, false);
    assert.equal(after, true);
  });

  test('a ticket done early (a failed task) is skipped when its turn comes', async () => {
    // Prepare
    const queue = new TurnQueue();
    const a = queue.take();
    const b = queue.take();
    const c = queue.take();
    b.done();
    let cReady = false;
    void c.ready().then(() => (cReady = true));

    // Act
    await tick();
    const readyBeforeA = cReady;
    a.done();
    await tick();

    // Assess
    assert.equal(readyBeforeA, false, 'c waits for a');
    assert.equal(cReady, true);
    assert.equal(c.current, true);
  });

  test('a ticket done twice counts once', async () => {
    // Prepare
    const queue = new TurnQueue();
    const a = queue.take();
    const b = queue.take();
    const c = queue.take();
    let cReady = false;
    void c.ready().then(() => (cReady = true));

    // Act
    b.done();
    b.done();
    await tick();

    // Assess
    assert.equal(cReady, false, 'c still waits for a');
    assert.equal(a.current, true);
    assert.equal(c.current, false);
  });
});
