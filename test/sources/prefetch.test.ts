import { test } from 'vitest';
import assert from 'node:assert/strict';
import { prefetchOrdered } from '../../sources/prefetch.js';

async function* items(sizes: readonly number[]): AsyncGenerator<number> {
  yield* sizes;
}

/** Runs a read-ahead whose calls wait to be released, recording the most calls in flight. */
async function peakInFlight(sizes: readonly number[], depth: number, max?: number): Promise<{ out: number[]; peak: number }> {
  let inFlight = 0;
  let peak = 0;
  const call = async (size: number) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    return size;
  };
  const out: number[] = [];
  for await (const size of prefetchOrdered(items(sizes), depth, call, max === undefined ? undefined : { of: (s) => s, max })) out.push(size);
  return { out, peak };
}

test('a weight bound keeps fewer calls in flight than the depth when the items are heavy, in order', async () => {
  // Act
  const light = await peakInFlight(Array.from({ length: 40 }, () => 1), 16, 32);
  const heavy = await peakInFlight(Array.from({ length: 40 }, () => 10), 16, 32);

  // Assess
  assert.equal(light.peak, 16);
  assert.equal(heavy.peak, 3);
  assert.deepEqual(heavy.out, Array.from({ length: 40 }, () => 10));
});

test('an item heavier than the bound still runs, alone', async () => {
  // Act
  const result = await peakInFlight([100, 100, 1], 16, 32);

  // Assess
  assert.equal(result.peak, 1);
  assert.deepEqual(result.out, [100, 100, 1]);
});
