import { test } from 'vitest';
import assert from 'node:assert/strict';
import { InvalidSourceConfigError } from '../../sources/errors.js';
import { compileGlob } from '../../sources/glob.js';
import { keyFilter } from '../../sources/key-filter.js';
import { safePrefix } from '../../sources/prefix.js';

function check(pattern: string, yes: string[], no: string[]): void {
  const glob = compileGlob(pattern);
  for (const key of yes) assert.ok(glob.matches(key), `${pattern} should match ${key}`);
  for (const key of no) assert.ok(!glob.matches(key), `${pattern} should not match ${key}`);
}

test('* stays within a segment, ** crosses segments, ? is one character', () => {
  check('*.json', ['a.json', '.json', 'ü.json'], ['dir/a.json', 'a.jsonx', 'a.json/']);
  check('**/*.json', ['a.json', 'x/a.json', 'x/y/z/a.json'], ['a.txt', 'x/a.txt']);
  check('logs/**', ['logs/a', 'logs/a/b/c', 'logs'], ['log/a', 'logsx/a']);
  check('a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/x/c', 'b']);
  check('data/*/part-??.csv', ['data/2024/part-01.csv', 'data/x/part-ab.csv'], ['data/part-01.csv', 'data/a/b/part-01.csv', 'data/x/part-1.csv']);
  check('?', ['a', '😀', 'é'], ['', 'ab', '/']);
  check('a**b', ['ab', 'axxb'], ['a/b'], );
  check('x\\*y', ['x*y'], ['xzy']);
  check('fïlé 😀/*', ['fïlé 😀/a'], ['file/a']);
  check('a//b', ['a//b'], ['a/b']);
});

test('matching stays fast on patterns that would make a RegExp backtrack', () => {
  const glob = compileGlob('*a*a*a*a*a*a*a*a*a*b');
  const key = 'a'.repeat(1000);
  const started = performance.now();
  assert.equal(glob.matches(key), false);
  assert.equal(compileGlob('**/**/**/**/**/x').matches(`${'d/'.repeat(200)}y`), false);
  assert.ok(performance.now() - started < 500, 'linear-ish, not exponential');
});

test('invalid globs are InvalidSourceConfigErrors', () => {
  for (const bad of ['', '/abs/*', '../*', 'a/../b', './a', 'a/.', 'x\\', 'a\0b', 'x'.repeat(1025)]) {
    assert.throws(() => compileGlob(bad), (e: unknown) => e instanceof InvalidSourceConfigError && e.code === 'InvalidInput', JSON.stringify(bad));
  }
});

test('a key filter takes prefixes, includes and excludes together', () => {
  const all = keyFilter();
  assert.ok(all('anything/at/all'));
  const filter = keyFilter({ include: ['**/*.csv', 'keep/**'], exclude: ['**/tmp/**', '*.bak'] });
  assert.ok(filter('a.csv'));
  assert.ok(filter('x/y/a.csv'));
  assert.ok(filter('keep/z.bin'));
  assert.ok(!filter('x/tmp/a.csv'));
  assert.ok(!filter('a.txt'));
  const prefixed = keyFilter({ prefixes: ['reports/2024/'], exclude: ['**/*.tmp'] });
  assert.ok(prefixed('reports/2024/q1.pdf'));
  assert.ok(!prefixed('reports/2023/q1.pdf'));
  assert.ok(!prefixed('reports/2024/x.tmp'));
  for (const prefixes of [[''], ['../x'], ['a/../../b'], ['/abs']]) assert.throws(() => keyFilter({ prefixes }), InvalidSourceConfigError);
});

test('prefixes are normalized folders and may not climb out with ..', () => {
  assert.equal(safePrefix(''), '');
  assert.equal(safePrefix('/'), '');
  assert.equal(safePrefix('exports'), 'exports/');
  assert.equal(safePrefix('/exports/2024/'), 'exports/2024/');
  for (const bad of ['..', '../x', 'a/../b', 'a/..', 'a/./b', 'a//b', 'a\\b']) assert.throws(() => safePrefix(bad), InvalidSourceConfigError, bad);
});
