/**
 * Ordered read-ahead: maps the items of an async iterable with up to
 * `depth` calls in flight, yielding results in input order. Used to hide the
 * latency of many small reads while keeping memory bounded by `depth`.
 */

/**
 * Yields `fn(item)` for every item of `source`, in order, running up to
 * `depth` calls ahead of the consumer. A failure surfaces when its turn comes;
 * calls already started when the consumer stops finish in the background.
 */
export async function* prefetchOrdered<T, R>(source: AsyncIterable<T>, depth: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<R>[] = [];
  let done = false;
  try {
    for (;;) {
      while (!done && queue.length < Math.max(1, depth)) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        const started = fn(next.value);
        // Observed here so a failure ahead of its turn is not an unhandled rejection; it is rethrown below in order.
        started.catch(() => undefined);
        queue.push(started);
      }
      const head = queue.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
