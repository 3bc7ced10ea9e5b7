import { test } from 'vitest';
import assert from 'node:assert/strict';
import { decodeItem, encodeItem, type Item } from '../../sources/dynamodb/item-codec.js';
import { encodeItemLines, readItems } from '../../sources/dynamodb/item-lines.js';
import { MalformedStreamError } from '../../sources/errors.js';
import { everyTypeItem } from './fixtures.js';
import { chunked, collect } from './support.js';

test('the codec round-trips every type exactly, numbers stay strings, binary is base64', () => {
  const item = everyTypeItem();
  const line = encodeItem(item);
  assert.ok(!line.includes('\n'), 'one line');
  const json = JSON.parse(line) as Record<string, Record<string, unknown>>;
  assert.deepEqual(json.n, { N: '12345678901234567890.123456789' });
  assert.deepEqual(json.b, { B: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') });
  assert.deepEqual(json.bs, { BS: ['AQ==', 'AgM=', '/wCA'] });
  assert.deepEqual(json.nothing, { NULL: true });
  const back = decodeItem(line);
  assert.deepStrictEqual(back, item);
  assert.equal(Object.getPrototypeOf(back.b?.B), Uint8Array.prototype, 'binary decodes to a plain Uint8Array, as the SDK returns it');
  assert.equal(encodeItem(back), line, 'encoding is stable');
});

test('attribute names are written in sorted order, so equal items encode to equal bytes', () => {
  const a: Item = { z: { S: '1' }, a: { M: { y: { N: '1' }, b: { N: '2' } } } };
  const b: Item = { a: { M: { b: { N: '2' }, y: { N: '1' } } }, z: { S: '1' } };
  assert.equal(encodeItem(a), encodeItem(b));
  assert.equal(encodeItem(a), '{"a":{"M":{"b":{"N":"2"},"y":{"N":"1"}}},"z":{"S":"1"}}');
});

test('an attribute named __proto__ stays an ordinary attribute', () => {
  const item: Item = Object.fromEntries([
    ['pk', { S: 'p' }],
    ['__proto__', { M: Object.fromEntries([['__proto__', { S: 'nested' }]]) }],
  ]);
  const back = decodeItem(encodeItem(item));
  assert.deepEqual(Object.keys(back).sort(), ['__proto__', 'pk']);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepStrictEqual(back, item);
});

test('a ~400 KB item round-trips', () => {
  const big = 'x'.repeat(300_000);
  const blob = new Uint8Array(90_000).map((_, i) => (i * 31) & 0xff);
  const item: Item = { pk: { S: 'big' }, text: { S: big }, blob: { B: blob } };
  assert.deepStrictEqual(decodeItem(encodeItem(item)), item);
});

test('decoding refuses what is not DynamoDB JSON', () => {
  const bad = [
    'not json',
    '[]',
    '{"a":"plain"}',
    '{"a":{"S":"x","N":"1"}}',
    '{"a":{}}',
    '{"a":{"X":"1"}}',
    '{"a":{"N":1}}',
    '{"a":{"B":"!!!"}}',
    '{"a":{"B":"AQ"}}',
    '{"a":{"NULL":false}}',
    '{"a":{"BOOL":"true"}}',
    '{"a":{"SS":[1]}}',
    '{"a":{"L":{}}}',
    '{"a":{"M":[]}}',
  ];
  for (const line of bad) assert.throws(() => decodeItem(line), MalformedStreamError, line);
  const deep = `{"a":${'{"L":['.repeat(70)}{"S":"x"}${']}'.repeat(70)}}`;
  assert.throws(() => decodeItem(deep), MalformedStreamError);
});

test('item lines survive any chunking of the stream', async () => {
  const items = [everyTypeItem('one'), { pk: { S: 'two' } }, everyTypeItem('three')];
  const stream = encodeItemLines(items);
  for (const size of [1, 2, 7, 64, stream.length]) {
    assert.deepStrictEqual(await collect(readItems(chunked(stream, size))), items, `chunks of ${size}`);
  }
  assert.deepEqual(await collect(readItems(chunked(new Uint8Array(0)))), []);
});

test('a truncated, blank or non-UTF-8 line is a MalformedStreamError naming the line', async () => {
  const good = encodeItemLines([{ pk: { S: 'a' } }]);
  const cut = encodeItemLines([{ pk: { S: 'a' } }, { pk: { S: 'b' } }]).subarray(0, good.length + 5);
  await assert.rejects(collect(readItems(chunked(cut, 3))), /line|middle/);
  await assert.rejects(collect(readItems(chunked(Buffer.concat([good, Buffer.from('\n')])))), (e: unknown) => e instanceof MalformedStreamError && /line 2: empty/.test(e.message));
  await assert.rejects(collect(readItems(chunked(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])))), (e: unknown) => e instanceof MalformedStreamError && /UTF-8/.test(e.message));
});
