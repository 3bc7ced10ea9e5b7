/**
 * `--wait`: polls a status route until the run is completed, failed or
 * cancelled, backing off from `initialMs` to `maxMs` while nothing changes
 * (and back to `initialMs` when something does), within a timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunFailedError, WaitTimeoutError } from './errors.js';

/** What the CLI reads from a status answer. */
export interface RunStatus {
  status: string;
  /** 0–100. */
  progress: number;
  phase?: string;
  /** Bytes a second, averaged over the run so far (`rate_bytes_per_second`), when the answer has it. */
  rate?: number;
  /** When the run should end (`estimated_completion`, ISO), when the answer has it. */
  eta?: string;
  /** The whole answer. */
  record: Record<string, unknown>;
}

/** Statuses a run never leaves. */
export const TerminalStatus = { Completed: 'completed', Failed: 'failed', Cancelled: 'cancelled' } as const;

/** Options of {@link waitForRun}. */
export interface WaitOptions {
  /** Fetches the current status. */
  poll: () => Promise<Record<string, unknown>>;
  /** Called with every status read. */
  onStatus?: (status: RunStatus) => void;
  /** Give up after this long. @default 1 h */
  timeoutMs?: number;
  /** First poll interval. @default 500 ms */
  initialMs?: number;
  /** Longest poll interval. @default 10 s */
  maxMs?: number;
  /** What is being waited for (`backup exec_…`), for messages. */
  label: string;
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/**
 * @param record - a status answer (execution, restore or verification)
 * @returns status (lower case), progress clamped to 0–100, phase, rate and estimated completion
 */
export function readStatus(record: Record<string, unknown>): RunStatus {
  const status = typeof record.status === 'string' ? record.status.toLowerCase() : 'unknown';
  const raw = Number(record.progress);
  const progress = Number.isFinite(raw) ? Math.max(0, Math.min(100, raw)) : 0;
  const rate = record.rate_bytes_per_second;
  const eta = record.estimated_completion;
  return {
    status,
    progress,
    ...(typeof record.phase === 'string' ? { phase: record.phase } : {}),
    ...(typeof rate === 'number' && Number.isFinite(rate) && rate >= 0 ? { rate } : {}),
    ...(typeof eta === 'string' && Number.isFinite(Date.parse(eta)) ? { eta } : {}),
    record,
  };
}

/** Whether a status is final. */
export function isTerminalStatus(status: string): boolean {
  return (Object.values(TerminalStatus) as string[]).includes(status.toLowerCase());
}

/**
 * Polls until the run ends.
 *
 * @returns the final status when it completed
 * @throws RunFailedError when it ended failed or cancelled; WaitTimeoutError after the timeout
 */
export async function waitForRun(options: WaitOptions): Promise<RunStatus> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const initial = options.initialMs ?? 500;
  const max = Math.max(initial, options.maxMs ?? 10_000);
  const deadline = now() + (options.timeoutMs ?? 3_600_000);
  let interval = initial;
  let last = '';
  for (;;) {
    const current = readStatus(await options.poll());
    options.onStatus?.(current);
    if (current.status === TerminalStatus.Completed) return current;
    if (isTerminalStatus(current.status)) throw new RunFailedError(`${options.label} ${current.status}${failureText(current.record)}`, current.record);
    const fingerprint = `${current.status}|${current.progress}|${current.phase ?? ''}`;
    interval = fingerprint === last ? Math.min(max, Math.ceil(interval * 1.5)) : initial;
    last = fingerprint;
    const left = deadline - now();
    if (left <= 0) throw new WaitTimeoutError(`gave up waiting for ${options.label} (still ${current.status}, ${current.progress}%); it carries on, check it later`);
    await pause(Math.min(interval, left));
  }
}

function failureText(record: Record<string, unknown>): string {
  const error = record.error;
  if (typeof error === 'string' && error) return `: ${error}`;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return `: ${[code, message].filter((v) => typeof v === 'string' && v).join(': ')}`;
  }
  return '';
}
