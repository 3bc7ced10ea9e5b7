import { test } from 'vitest';
import assert from 'node:assert/strict';
import { LIST_RANGES_PER_CHILD, spread } from '../../../../control/workflows/backup/list-source.js';

test('a round\'s ranges are staged in an order that keeps every range once and puts neighbours in different children', () => {
  // Prepare
  const ranges = Array.from({ length: 100 }, (_, i) => i);

  // Act
  const order = spread(ranges);

  // Assess
  assert.deepEqual([...order].sort((a, b) => a - b), ranges);
  const childOf = new Map(order.map((range, position) => [range, Math.floor(position / LIST_RANGES_PER_CHILD)]));
  for (let i = 1; i < ranges.length; i++) assert.notEqual(childOf.get(i), childOf.get(i - 1), `ranges ${i - 1} and ${i} in one child`);
});
