/**
 * No two folders of vault/, sources/ and control/ import each other, directly
 * or around a longer cycle (control/notifications ↔ control/workflows,
 * vault/repository ↔ vault/snapshot…): each shared type lives in the folder
 * that owns the concept. See import-graph.ts for what a folder ("unit") is.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describeCycles, readSources, relativeImports, unitGraph } from './import-graph.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

test('no folder of vault/, sources/ or control/ is part of an import cycle', () => {
  // Prepare
  const graph = unitGraph(readSources(REPOSITORY));

  // Act
  const cycles = describeCycles(graph);

  // Assess
  assert.deepEqual(cycles, [], `folders that import each other:\n${cycles.join('\n')}`);
});

test('a cycle through three folders is found and listed with the imports that make it', () => {
  // Prepare
  const files = new Map([
    ['control/a/one.ts', "import { b } from '../b/two.js';"],
    ['control/b/two.ts', "export { c } from '../c/three.js';"],
    ['control/c/three.ts', "import type { a } from '../a/one.js';\nimport { v } from '../../vault/x/y.js';"],
    ['vault/x/y.ts', 'export const v = 1;'],
  ]);

  // Act
  const cycles = describeCycles(unitGraph(files));

  // Assess
  assert.deepEqual(cycles, [
    'control/a → control/b (control/a/one.ts imports ../b/two.js) → control/c (control/b/two.ts imports ../c/three.js) → control/a (control/c/three.ts imports ../a/one.js)',
  ]);
});

test('files directly under a root are units of their own, and imports inside a folder are no edges', () => {
  // Prepare
  const files = new Map([
    ['control/errors.ts', "import * as s from './schedules/errors.js';"],
    ['control/env.ts', 'export const HavenEnv = {};'],
    ['control/schedules/errors.ts', "import { HavenEnv } from '../env.js';\nimport { x } from './inner/x.js';"],
    ['control/schedules/inner/x.ts', "import { y } from '../errors.js';"],
  ]);

  // Act
  const cycles = describeCycles(unitGraph(files));

  // Assess
  assert.deepEqual(cycles, []);
});

test('imports are read from code, not from comments', () => {
  // Prepare
  const source = "/** see `import { x } from './a.js'` */\n// import { y } from './b.js';\nimport {\n  z,\n} from './c.js';\nconst lazy = await import('./d.js');";

  // Act
  const specifiers = relativeImports(source);

  // Assess
  assert.deepEqual(specifiers, ['./c.js', './d.js']);
});
