/**
 * Ordered read-ahead: maps the items of an async iterable with up to
 * `depth` calls in flight, yielding results in input order. Used to hide the
 * latency of many small reads while keeping memory bounded by `depth` (and,
 * when the items say how much each holds, by their total weight).
 */

/** A bound on what the calls in flight hold together: each item's weight (its bytes). */
export interface PrefetchWeight<T> {
  /** What one item's call holds until the consumer takes it. */
  of: (item: T) => number;
  /** The most the calls in flight hold together (one call always runs, however heavy). */
  max: number;
}

/**
 * Yields `fn(item)` for every item of `source`, in order, running up to
 * `depth` calls ahead of the consumer (and, with `weight`, only as many as
 * fit its `max`). A failure surfaces when its turn comes; calls already
 * started when the consumer stops finish in the background.
 */
export async function* prefetchOrdered<T, R>(source: AsyncIterable<T>, depth: number, fn: (item: T) => Promise<R>, weight?: PrefetchWeight<T>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Array<{ result: Promise<R>; weight: number }> = [];
  let held = 0;
  let waiting: { item: T; weight: number } | undefined;
  let done = false;
  try {
    for (;;) {
      while (queue.length < Math.max(1, depth)) {
        if (!waiting) {
          if (done) break;
          const next = await iterator.next();
          if (next.done) {
            done = true;
            break;
          }
          waiting = { item: next.value, weight: weight ? Math.max(0, weight.of(next.value)) : 0 };
        }
        if (weight && queue.length > 0 && held + waiting.weight > weight.max) break;
        const result = fn(waiting.item);
        // Observed here so a failure ahead of its turn is not an unhandled rejection; it is rethrown below in order.
        result.catch(() => undefined);
        queue.push({ result, weight: waiting.weight });
        held += waiting.weight;
        waiting = undefined;
      }
      const head = queue.shift();
      if (!head) return;
      held -= head.weight;
      yield await head.result;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
