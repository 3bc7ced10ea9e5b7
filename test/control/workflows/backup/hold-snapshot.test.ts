/** The snapshot holder's window rule and budget (control/workflows/backup/hold-snapshot.ts). */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { exportWindowProblem, handoffAt, HANDOFF_LEAD_MS, HELD_EXPORT_BYTES_PER_SECOND, HOLDER_MARGIN_MS, holderBudgetMs, MAX_SNAPSHOT_HOLD_MS } from '../../../../control/workflows/backup/hold-snapshot.js';

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

test('a generation asks for its successor a lead before its deadline, half its budget when that is short, and not at all once the chain would outlast its maximum hold', () => {
  // Prepare
  const budgetMs = 880_000;
  const deadline = 10 * 3600_000;

  // Act
  const deployed = handoffAt({ deadline, budgetMs, heldAt: deadline - budgetMs });
  const short = handoffAt({ deadline, budgetMs: 10_000, heldAt: deadline - 10_000 });
  const capped = handoffAt({ deadline, budgetMs, heldAt: deadline - MAX_SNAPSHOT_HOLD_MS + budgetMs / 2 });

  // Assess
  assert.equal(deployed, deadline - HANDOFF_LEAD_MS);
  assert.equal(short, deadline - 5_000);
  assert.equal(capped, undefined, 'a successor holding a whole budget from here would pass the maximum hold');
});
