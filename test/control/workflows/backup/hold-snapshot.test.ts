/** The snapshot holder's window rule and budget (control/workflows/backup/hold-snapshot.ts). */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { exportWindowProblem, HELD_EXPORT_BYTES_PER_SECOND, HOLDER_MARGIN_MS, holderBudgetMs, MAX_SNAPSHOT_HOLD_MS } from '../../../../control/workflows/backup/hold-snapshot.js';

const WINDOW_SECONDS = MAX_SNAPSHOT_HOLD_MS / 1000;

test("a database whose export fits the chain's maximum hold at the planned throughput passes (far beyond one function's time); one just beyond it is refused with the figures and the way out", () => {
  // Prepare
  const fits = HELD_EXPORT_BYTES_PER_SECOND * 4 * (WINDOW_SECONDS - 60);
  const beyond = HELD_EXPORT_BYTES_PER_SECOND * 4 * (WINDOW_SECONDS + 60);

  // Act
  const ok = exportWindowProblem(fits, 4, 0);
  const refused = exportWindowProblem(beyond, 4, 0);

  // Assess
  assert.equal(ok, undefined);
  assert.match(refused ?? '', /export needs about \d+ s, longer than the \d+ s the snapshot can still be held \(at most 6 h: an open snapshot holds back VACUUM\).*max_concurrency \(up to 5 needed\)/);
});

test('the time the holder already held counts against the window', () => {
  // Prepare
  const bytes = HELD_EXPORT_BYTES_PER_SECOND * (WINDOW_SECONDS - 60);

  // Act
  const early = exportWindowProblem(bytes, 1, 0);
  const late = exportWindowProblem(bytes, 1, 120_000);

  // Assess
  assert.equal(early, undefined);
  assert.ok(late);
});

test("the holder's budget is its remaining time less the margin, shortened (never lengthened) by the test override", () => {
  // Act
  const deployed = holderBudgetMs(900_000);
  const shortened = holderBudgetMs(900_000, '0');
  const lengthened = holderBudgetMs(60_000, '10000000');
  const ignored = holderBudgetMs(900_000, 'soon');

  // Assess
  assert.equal(deployed, 900_000 - HOLDER_MARGIN_MS);
  assert.equal(shortened, 0);
  assert.equal(lengthened, 60_000 - HOLDER_MARGIN_MS);
  assert.equal(ignored, deployed);
});
