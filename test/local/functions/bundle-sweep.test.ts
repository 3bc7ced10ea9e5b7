/**
 * The local cloud's bundle folder does not grow without end: bundles moved
 * aside and abandoned builds are swept once they are old; current bundles
 * and young leftovers stay.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEFTOVER_BUNDLE_MAX_AGE_MS, sweepLeftoverBundles } from '../../../local/functions/bundle.js';

const NOW = 1_800_000_000_000;
const OLD = NOW - LEFTOVER_BUNDLE_MAX_AGE_MS - 1;
const YOUNG = NOW - 1_000;

/** A bundle folder holding the named directories. */
function folderWith(names: readonly string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'haven-bundles-'));
  for (const name of names) mkdirSync(join(root, name, 'chunks'), { recursive: true });
  return root;
}

test('old moved-aside bundles and abandoned builds are deleted', async () => {
  // Prepare
  const root = folderWith(['32c9366391dc434e', `32c9366391dc434e.stale.10145.${OLD}`, `ac8d133492911b2b.19298.${OLD}`]);

  // Act
  const deleted = sweepLeftoverBundles(root, NOW);

  // Assess
  assert.deepEqual(deleted.sort(), [`32c9366391dc434e.stale.10145.${OLD}`, `ac8d133492911b2b.19298.${OLD}`]);
  assert.equal(existsSync(join(root, `32c9366391dc434e.stale.10145.${OLD}`)), false);
});

test('current bundles and young leftovers are kept', async () => {
  // Prepare
  const root = folderWith(['32c9366391dc434e', `32c9366391dc434e.stale.10145.${YOUNG}`, `ac8d133492911b2b.19298.${YOUNG}`]);

  // Act
  const deleted = sweepLeftoverBundles(root, NOW);

  // Assess
  assert.deepEqual(deleted, []);
  assert.equal(existsSync(join(root, '32c9366391dc434e')), true);
  assert.equal(existsSync(join(root, `32c9366391dc434e.stale.10145.${YOUNG}`)), true);
});
