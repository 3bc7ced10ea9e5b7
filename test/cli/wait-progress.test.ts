/** `--wait` polling (backoff, terminal statuses, timeout) and progress display, with a fake clock. */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { RunFailedError, WaitTimeoutError } from '../../cli/api/errors.js';
import { ExitCode } from '../../cli/api/exit-codes.js';
import { bar, formatDuration, progressView } from '../../cli/api/progress.js';
import { readStatus, waitForRun } from '../../cli/api/wait.js';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

function sequence(records: Array<Record<string, unknown>>) {
  let i = 0;
  return async () => records[Math.min(i++, records.length - 1)]!;
}

/** Waits on a run that is queued, runs at 10% for three polls, then at 50%, then completes (status in capitals), on the fake clock `c`. */
function waitOnRunToCompletion(c: ReturnType<typeof clock>, seen: string[] = []) {
  const running = { status: 'running', progress: 10, phase: 'reading' };
  return waitForRun({
    label: 'backup exec_1',
    poll: sequence([{ status: 'queued', progress: 0 }, running, running, running, { status: 'running', progress: 50, phase: 'reading' }, { status: 'COMPLETED', progress: 100 }]),
    onStatus: (s) => seen.push(`${s.status}:${s.progress}`),
    initialMs: 100,
    maxMs: 1000,
    sleep: c.sleep,
    now: c.now,
  });
}

describe('waitForRun', () => {
  test('returns on completed, read case-insensitively, reporting every status it polled', async () => {
    // Prepare
    const c = clock();
    const seen: string[] = [];

    // Act
    const final = await waitOnRunToCompletion(c, seen);

    // Assess
    assert.equal(final.status, 'completed', 'status is read case-insensitively');
    assert.deepEqual(seen, ['queued:0', 'running:10', 'running:10', 'running:10', 'running:50', 'completed:100']);
  });

  test('backs off while nothing changes and resets when something does', async () => {
    // Prepare
    const c = clock();

    // Act
    await waitOnRunToCompletion(c);

    // Assess
    assert.deepEqual(c.sleeps, [100, 100, 150, 225, 100]);
  });

  test('failed and cancelled throw RunFailedError (exit 1) with the recorded error', async () => {
    // Prepare
    const c = clock();
    const cases: Array<[string, Record<string, unknown>, (e: unknown) => boolean]> = [
      [
        'backup exec_2',
        { status: 'failed', progress: 40, error: { code: 'StorageUnavailable', message: 'bucket gone' } },
        (e) => e instanceof RunFailedError && e.exitCode === ExitCode.Failure && /failed: StorageUnavailable: bucket gone/.test(e.message),
      ],
      ['restore r', { status: 'cancelled' }, (e) => e instanceof RunFailedError],
    ];
    for (const [label, record, expected] of cases) {
      // Act
      const waiting = waitForRun({ label, poll: sequence([record]), sleep: c.sleep, now: c.now });

      // Assess
      await assert.rejects(waiting, expected, label);
    }
  });

  test('gives up after the timeout with WaitTimeoutError (exit 7), never sleeping past it', async () => {
    // Prepare
    const c = clock();

    // Act
    const waiting = waitForRun({ label: 'backup exec_3', poll: sequence([{ status: 'running', progress: 5 }]), timeoutMs: 5_000, initialMs: 1_000, maxMs: 4_000, sleep: c.sleep, now: c.now });

    // Assess
    await assert.rejects(waiting, (e: unknown) => e instanceof WaitTimeoutError && e.exitCode === ExitCode.Timeout);
    assert.ok(c.now() <= 5_000);
    assert.equal(
      c.sleeps.reduce((a, b) => a + b, 0),
      5_000,
    );
  });
});

describe('progressView', () => {
  function sink(isTTY: boolean) {
    const out: string[] = [];
    return { out, stream: { isTTY, columns: 80, write: (t: string) => out.push(t) } };
  }

  test('plain output: one line per status/phase change or 10% step, nothing for repeats', () => {
    // Prepare
    const { out, stream } = sink(false);
    const view = progressView('backup exec_1', stream);

    // Act
    for (const [status, progress, phase] of [
      ['queued', 0, 'queued'],
      ['running', 3, 'reading'],
      ['running', 7, 'reading'],
      ['running', 12, 'reading'],
      ['running', 12, 'verifying'],
      ['completed', 100, 'completed'],
    ] as const)
      view.update({ status, progress, phase, record: {} });
    view.finish();

    // Assess
    assert.deepEqual(out, ['backup exec_1: queued 0%\n', 'backup exec_1: running reading 3%\n', 'backup exec_1: running reading 12%\n', 'backup exec_1: running verifying 12%\n', 'backup exec_1: completed 100%\n']);
  });

  test('terminal: redraws one line with a bar, ends it with a newline', () => {
    // Prepare
    const { out, stream } = sink(true);
    const view = progressView('restore r1', stream);

    // Act
    view.update({ status: 'running', progress: 50, phase: 'restoring', record: {} });
    view.finish();

    // Assess
    assert.ok(out[0]!.startsWith('\rrestore r1 ['), out[0]);
    assert.ok(out[0]!.endsWith(']  50% running restoring\u001b[K'), out[0]);
    assert.equal(out[1], '\n');
  });

  test('terminal: the bar shows the rate and the time left to the estimated completion', () => {
    // Prepare
    const { out, stream } = sink(true);
    const now = Date.parse('2024-01-15T12:00:00.000Z');
    const view = progressView('backup exec_9', stream, true, () => now);
    const status = readStatus({ status: 'running', progress: 37, phase: 'exporting', rate_bytes_per_second: 3 * 1024 * 1024, estimated_completion: '2024-01-15T12:02:05.000Z' });

    // Act
    view.update(status);

    // Assess
    assert.ok(out[0]!.endsWith(']  37% running exporting, 3.0 MiB/s, ETA 2m 5s\u001b[K'), out[0]);
  });

  test('plain output: a printed line carries the rate and the time left', () => {
    // Prepare
    const { out, stream } = sink(false);
    const now = Date.parse('2024-01-15T12:00:00.000Z');
    const view = progressView('restore r2', stream, false, () => now);

    // Act
    view.update(readStatus({ status: 'running', progress: 50, phase: 'restoring', rate_bytes_per_second: 2048, estimated_completion: '2024-01-15T13:30:00.000Z' }));

    // Assess
    assert.deepEqual(out, ['restore r2: running restoring 50%, 2.0 KiB/s, ETA 1h 30m\n']);
  });

  test('a status without a rate or an estimate shows neither', () => {
    // Prepare
    const { out, stream } = sink(true);
    const view = progressView('backup exec_8', stream, true, () => 0);

    // Act
    view.update(readStatus({ status: 'running', progress: 5, phase: 'exporting', rate_bytes_per_second: null, estimated_completion: null }));

    // Assess
    assert.ok(out[0]!.endsWith(']   5% running exporting\u001b[K'), out[0]);
  });

  test('the time left reads in hours and minutes, minutes and seconds, or seconds, never below zero', () => {
    // Act
    const shown = [formatDuration(2 * 3600_000 + 5 * 60_000 + 9_000), formatDuration(200_000), formatDuration(45_400), formatDuration(-5_000)];

    // Assess
    assert.deepEqual(shown, ['2h 5m', '3m 20s', '45s', '0s']);
  });

  test('a bar fills its width in proportion to the progress, full at most', () => {
    // Act
    const half = bar(50, 10);
    const over = bar(150, 4);

    // Assess
    assert.equal(half, '[#####-----]');
    assert.equal(over, '[####]');
  });
});
