/**
 * The `--wait` behaviour shared by `jobs run`, `jobs status`, `restores
 * start|status` and `backups verify`: poll, show progress on stderr, print
 * the final record, and fail (exit 1) unless the run completed.
 */
import type { ApiClient } from '../api/client.js';
import { progressView } from '../api/progress.js';
import { waitForRun } from '../api/wait.js';
import type { ApiRecord, Column } from '../table.js';
import type { WaitFlags } from './context.js';
import { showRecord } from './show.js';

/** What to wait for. */
export interface WaitTarget {
  /** `backup exec_…` */
  label: string;
  /** Reads the run's current status record. */
  poll: (client: ApiClient) => Promise<ApiRecord>;
  /** What to print at the end. */
  columns: ReadonlyArray<Column<ApiRecord>>;
}

/**
 * Waits for a run and prints its final record (also when it failed, before
 * the error).
 *
 * @throws RunFailedError, WaitTimeoutError
 */
export async function waitAndShow(client: ApiClient, target: WaitTarget, flags: WaitFlags): Promise<void> {
  const view = progressView(target.label, process.stderr);
  // Ctrl-C stops waiting, not the run: end the bar's line and say so.
  const interrupted = (): void => {
    view.finish();
    process.stderr.write(`stopped waiting; ${target.label} carries on\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const final = await waitForRun({ label: target.label, poll: () => target.poll(client), onStatus: (s) => view.update(s), timeoutMs: flags.timeout, initialMs: flags.pollInterval });
    view.finish();
    showRecord(final.record, flags.json, target.columns);
  } catch (error) {
    view.finish();
    const record = (error as { record?: ApiRecord }).record;
    if (record) showRecord(record, flags.json, target.columns);
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
  }
}
