/** Small concurrency helpers with no dependencies. */

/**
 * Maps items with at most `limit` calls in flight, keeping input order.
 * Stops starting new calls after the first failure and rethrows it once all started calls settle.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Limits how many async tasks run at once. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Runs `fn` when a slot is free; a finishing task hands its slot straight to the next waiter. */
  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** A place in a {@link TurnQueue}: its holder acts once every earlier ticket is done. */
export interface Turn {
  /** True while every earlier ticket is done (the holder may act now, synchronously). */
  readonly current: boolean;
  /** Resolves once every earlier ticket is done. */
  ready(): Promise<void>;
  /** Marks this ticket done (call exactly once, also on failure, e.g. in `finally`; later calls do nothing). */
  done(): void;
}

/**
 * Hands out tickets in call order so that work started concurrently can
 * finish in that order: each holder does its ordered step after
 * `await turn.ready()` and then calls `done()`. A ticket done early (say,
 * its task failed) is skipped when its turn comes.
 */
export class TurnQueue {
  #issued = 0;
  #serving = 0;
  readonly #finished = new Set<number>();
  readonly #waiting = new Map<number, () => void>();

  /** The next ticket, behind every ticket taken before it. */
  take(): Turn {
    const number = this.#issued++;
    const isCurrent = (): boolean => this.#serving === number;
    let finished = false;
    return {
      get current() {
        return isCurrent();
      },
      ready: () => (isCurrent() ? Promise.resolve() : new Promise<void>((resolve) => this.#waiting.set(number, resolve))),
      done: () => {
        if (finished) return;
        finished = true;
        this.#finish(number);
      },
    };
  }

  #finish(number: number): void {
    this.#finished.add(number);
    while (this.#finished.delete(this.#serving)) this.#serving++;
    const next = this.#waiting.get(this.#serving);
    if (next) {
      this.#waiting.delete(this.#serving);
      next();
    }
  }
}
