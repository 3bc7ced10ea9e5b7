import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { TurnQueue } from '../../vault/util/concurrency.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnQueue', () => {
  test('ordered steps run in ticket order however the tasks finish', async () => {
    const queue = new TurnQueue();
    const order: number[] = [];
    const delays = [30, 5, 20, 0, 10];
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
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  test('current is true only for the first ticket not yet done', () => {
    const queue = new TurnQueue();
    const a = queue.take();
    const b = queue.take();
    assert.equal(a.current, true);
    assert.equal(b.current, false);
    a.done();
    assert.equal(b.current, true);
  });

  test('a ticket done early (a failed task) is skipped when its turn comes; done twice counts once', async () => {
    const queue = new TurnQueue();
    const a = queue.take();
    const b = queue.take();
    const c = queue.take();
    b.done();
    b.done();
    let cReady = false;
    void c.ready().then(() => (cReady = true));
    await tick();
    assert.equal(cReady, false, 'c waits for a');
    a.done();
    await tick();
    assert.equal(cReady, true);
    assert.equal(c.current, true);
  });
});
