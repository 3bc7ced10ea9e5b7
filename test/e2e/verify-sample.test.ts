/**
 * Sample rotation through the verify workflow: consecutive sample runs of a
 * backup take consecutive windows of the pack ring (the cursor is the
 * previous run's recorded window end), so a 25% sample reads every pack
 * exactly once in four runs, a byte budget covers the vault in a bounded
 * number of runs, and damage is found by the one run whose window holds it.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { ringPosition, windowHolds } from '../../control/verification/sample.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { uniqueName } from '../helpers/names.js';
import { Damage, damagePack } from '../helpers/vault-damage.js';
import { backUp, packsOf, runVerification } from './verify-support.js';

describe('verify workflow: sample rotation covers every pack over repeated runs', () => {
  let cloud: LocalCloud;
  const table = uniqueName('sample');
  let backupId = '';
  let packs: string[] = [];

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table] });
    await seedTable(table, 400);
    // One child per partition, so each partition's engine session writes packs of its own.
    backupId = await backUp(cloud, { type: 'dynamodb', table_name: table, segments: 8 }, { max_concurrency: 8 });
    packs = [...(await packsOf(cloud, backupId))];
    assert.ok(packs.length >= 6, `enough packs to sample (${packs.length})`);
  });
  afterAll(() => cloud.close());

  test('four 25% runs take consecutive windows and read every pack exactly once', async () => {
    // Prepare
    const windows: Array<{ start: number; end: number }> = [];
    let checked = 0;
    for (let i = 0; i < 4; i++) {
      // Act
      const { execution, record } = await runVerification(cloud, { backup_id: backupId, level: 'sample', sample_percent: 25 });

      // Assess
      assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
      const window = record.result!.sample!;
      if (windows.length > 0) assert.equal(window.start, windows.at(-1)!.end, 'each run starts where the previous ended');
      windows.push(window);
      checked += record.result!.packs_checked!;
      assert.equal(record.result?.packs_total, packs.length);
    }

    // Assess
    assert.equal(checked, packs.length, 'every pack read exactly once over four runs');
    for (const pack of packs) assert.ok(windows.some((w) => windowHolds(w.start, w.end, ringPosition(pack))), pack);
  });

  test('a byte budget moves the cursor too: every pack is covered within as many runs as there are packs', async () => {
    // Prepare
    const covered = new Set<string>();
    let runs = 0;
    while (covered.size < packs.length) {
      assert.ok(runs < packs.length, `covered ${covered.size} of ${packs.length} packs in ${runs} runs`);

      // Act
      const { record } = await runVerification(cloud, { backup_id: backupId, level: 'sample', sample_bytes: 1 });

      // Assess
      assert.equal(record.status, 'completed');
      assert.equal(record.result?.packs_checked, 1, 'a budget below one pack still reads one');
      const { start, end } = record.result!.sample!;
      for (const pack of packs) if (windowHolds(start, end, ringPosition(pack))) covered.add(pack);
      runs += 1;
    }

    // Assess
    assert.equal(runs, packs.length);
  });

  test('a damaged pack is found by exactly the one 25% run whose window holds it', async () => {
    // Prepare
    const target = packs[0]!;
    const undo = await damagePack(cloud.bucket, target, Damage.FlipByte);
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        // Act
        const { record } = await runVerification(cloud, { backup_id: backupId, level: 'sample', sample_percent: 25 });

        // Assess
        outcomes.push(record.status);
        const holds = windowHolds(record.result!.sample!.start, record.result!.sample!.end, ringPosition(target));
        assert.equal(record.status, holds ? 'failed' : 'completed');
        if (holds) assert.deepEqual(record.result?.damaged_packs, [target]);
      }

      // Assess
      assert.equal(outcomes.filter((s) => s === 'failed').length, 1, outcomes.join(', '));
    } finally {
      await undo();
    }
  });
});
