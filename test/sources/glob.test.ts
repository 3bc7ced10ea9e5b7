import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidSourceConfigError } from '../../sources/errors.js';
import { compileGlob } from '../../sources/glob.js';
import { keyFilter } from '../../sources/key-filter.js';
import { safePrefix } from '../../sources/prefix.js';

/** The keys among `keys` that `pattern` matches, in their order. */
function matching(pattern: string, keys: string[]): string[] {
  const glob = compileGlob(pattern);
  return keys.filter((key) => glob.matches(key));
}

test('* matches within one segment', () => {
  // Prepare
  const keys = ['a.json', '.json', 'ü.json', 'dir/a.json', 'a.jsonx', 'a.json/'];

  // Act
  const matched = matching('*.json', keys);

  // Assess
  assert.deepEqual(matched, ['a.json', '.json', 'ü.json']);
});

test('** as a whole segment matches any number of segments, none included', () => {
  // Act
  const anyDepth = matching('**/*.json', ['a.json', 'x/a.json', 'x/y/z/a.json', 'a.txt', 'x/a.txt']);
  const below = matching('logs/**', ['logs/a', 'logs/a/b/c', 'logs', 'log/a', 'logsx/a']);
  const between = matching('a/**/b', ['a/b', 'a/x/b', 'a/x/y/b', 'a/x/c', 'b']);

  // Assess
  assert.deepEqual(anyDepth, ['a.json', 'x/a.json', 'x/y/z/a.json']);
  assert.deepEqual(below, ['logs/a', 'logs/a/b/c', 'logs']);
  assert.deepEqual(between, ['a/b', 'a/x/b', 'a/x/y/b']);
});

test('** inside a segment stays within it', () => {
  // Act
  const matched = matching('a**b', ['ab', 'axxb', 'a/b']);

  // Assess
  assert.deepEqual(matched, ['ab', 'axxb']);
});

test('? is exactly one character, never a slash', () => {
  // Act
  const single = matching('?', ['a', '😀', 'é', '', 'ab', '/']);
  const parts = matching('data/*/part-??.csv', ['data/2024/part-01.csv', 'data/x/part-ab.csv', 'data/part-01.csv', 'data/a/b/part-01.csv', 'data/x/part-1.csv']);

  // Assess
  assert.deepEqual(single, ['a', '😀', 'é']);
  assert.deepEqual(parts, ['data/2024/part-01.csv', 'data/x/part-ab.csv']);
});

test('a backslash escapes a wildcard; other characters, unicode and repeated slashes included, match themselves', () => {
  // Act
  const escaped = matching('x\\*y', ['x*y', 'xzy']);
  const unicode = matching('fïlé 😀/*', ['fïlé 😀/a', 'file/a']);
  const slashes = matching('a//b', ['a//b', 'a/b']);

  // Assess
  assert.deepEqual(escaped, ['x*y']);
  assert.deepEqual(unicode, ['fïlé 😀/a']);
  assert.deepEqual(slashes, ['a//b']);
});

test('matching stays fast on patterns that would make a RegExp backtrack', () => {
  // Prepare
  const stars = compileGlob('*a*a*a*a*a*a*a*a*a*b');
  const globstars = compileGlob('**/**/**/**/**/x');
  const key = 'a'.repeat(1000);
  const deep = `${'d/'.repeat(200)}y`;

  // Act
  const started = performance.now();
  const starsMatched = stars.matches(key);
  const globstarsMatched = globstars.matches(deep);
  const elapsed = performance.now() - started;

  // Assess
  assert.equal(starsMatched, false);
  assert.equal(globstarsMatched, false);
  assert.ok(elapsed < 500, 'linear-ish, not exponential');
});

test('invalid globs are InvalidSourceConfigErrors', () => {
  for (const bad of ['', '/abs/*', '../*', 'a/../b', './a', 'a/.', 'x\\', 'a\0b', 'x'.repeat(1025)]) {
    // Act
    const compile = () => compileGlob(bad);

    // Assess
    assert.throws(compile, (e: unknown) => e instanceof InvalidSourceConfigError && e.code === 'InvalidConfiguration', JSON.stringify(bad));
  }
});

test('a key filter without options keeps every key', () => {
  // Prepare
  const all = keyFilter();

  // Act
  const kept = all('anything/at/all');

  // Assess
  assert.ok(kept);
});

test('a key filter keeps the keys an include matches and no exclude does', () => {
  // Prepare
  const filter = keyFilter({ include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', '*.bak'] });
  const keys = ['a.csv', 'x/y/a.csv', 'keep/z.bin', 'x/tmp/a.csv', 'a.txt'];

  // Act
  const kept = keys.filter((key) => filter(key));

  // Assess
  assert.deepEqual(kept, ['a.csv', 'x/y/a.csv', 'keep/z.bin']);
});

test('a key filter with prefixes keeps only the keys under them, less the excluded', () => {
  // Prepare
  const prefixed = keyFilter({ prefixes: ['reports/2024/'], exclude: ['**/*.tmp'] });
  const keys = ['reports/2024/q1.pdf', 'reports/2023/q1.pdf', 'reports/2024/x.tmp'];

  // Act
  const kept = keys.filter((key) => prefixed(key));

  // Assess
  assert.deepEqual(kept, ['reports/2024/q1.pdf']);
});

test('a key filter refuses a prefix that is empty, absolute or climbs out with ..', () => {
  for (const prefixes of [[''], ['../x'], ['a/../../b'], ['/abs']]) {
    // Act
    const create = () => keyFilter({ prefixes });

    // Assess
    assert.throws(create, InvalidSourceConfigError, JSON.stringify(prefixes));
  }
});

test('prefixes are normalized to folders', () => {
  // Act
  const normalized = ['', '/', 'exports', '/exports/2024/'].map((prefix) => safePrefix(prefix));

  // Assess
  assert.deepEqual(normalized, ['', '', 'exports/', 'exports/2024/']);
});

test('prefixes may not climb out with .. nor hold empty, dot or backslashed segments', () => {
  for (const bad of ['..', '../x', 'a/../b', 'a/..', 'a/./b', 'a//b', 'a\\b']) {
    // Act
    const normalize = () => safePrefix(bad);

    // Assess
    assert.throws(normalize, InvalidSourceConfigError, bad);
  }
});
