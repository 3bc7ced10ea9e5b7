/**
 * A bounded set of background tasks for writers that read a stream and
 * write as they go: `submit` waits for a free slot (back-pressure on the
 * reader), the first failure is kept and rethrown, and `settle` lets every
 * started task finish before the caller cleans up (aborts an upload…).
 */

/** At most `limit` tasks in flight; remembers the first failure. */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /**
   * Starts `task` once fewer than `limit` tasks run.
   * @throws the first failure of an earlier task (the new task is then not started)
   */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= Math.max(1, this.limit)) await Promise.race(this.running);
    this.throwIfFailed();
    const tracked: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits for every started task; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for every started task, never throws. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
