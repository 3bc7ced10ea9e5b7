import { test } from 'vitest';
import assert from 'node:assert/strict';
import { decodeItem, encodeItem, type Item } from '../../sources/dynamodb/item-codec.js';
import { encodeItemLines, readItems } from '../../sources/dynamodb/item-lines.js';
import { MalformedStreamError } from '../../sources/errors.js';
import { everyTypeItem } from './fixtures.js';
import { chunked, collect } from './support.js';

test('an item encodes to one line of DynamoDB JSON, numbers as strings and binary as base64', () => {
  // Prepare
  const item = everyTypeItem();

  // Act
  const line = encodeItem(item);

  // Assess
  assert.ok(!line.includes('\n'), 'one line');
  const json = JSON.parse(line) as Record<string, Record<string, unknown>>;
  assert.deepEqual(json.n, { N: '12345678901234567890.123456789' });
  assert.deepEqual(json.b, { B: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') });
  assert.deepEqual(json.bs, { BS: ['AQ==', 'AgM=', '/wCA'] });
  assert.deepEqual(json.nothing, { NULL: true });
});

test('an encoded item of every type decodes back exactly, binary as a plain Uint8Array', () => {
  // Prepare
  const item = everyTypeItem();
  const line = encodeItem(item);

  // Act
  const back = decodeItem(line);

  // Assess
  assert.deepStrictEqual(back, item);
  assert.equal(Object.getPrototypeOf(back.b?.B), Uint8Array.prototype, 'binary decodes to a plain Uint8Array, as the SDK returns it');
});

test('encoding is stable: a decoded item encodes to the same line', () => {
  // Prepare
  const line = encodeItem(everyTypeItem());

  // Act
  const again = encodeItem(decodeItem(line));

  // Assess
  assert.equal(again, line, 'encoding is stable');
});

test('attribute names are written in sorted order, so equal items encode to equal bytes', () => {
  // Prepare
  const a: Item = { z: { S: '1' }, a: { M: { y: { N: '1' }, b: { N: '2' } } } };
  const b: Item = { a: { M: { b: { N: '2' }, y: { N: '1' } } }, z: { S: '1' } };

  // Act
  const lineA = encodeItem(a);
  const lineB = encodeItem(b);

  // Assess
  assert.equal(lineA, lineB);
  assert.equal(lineA, '{"a":{"M":{"b":{"N":"2"},"y":{"N":"1"}}},"z":{"S":"1"}}');
});

test('an attribute named __proto__ stays an ordinary attribute', () => {
  // Prepare
  const item: Item = Object.fromEntries([
    ['pk', { S: 'p' }],
    ['__proto__', { M: Object.fromEntries([['__proto__', { S: 'nested' }]]) }],
  ]);

  // Act
  const back = decodeItem(encodeItem(item));

  // Assess
  assert.deepEqual(Object.keys(back).sort(), ['__proto__', 'pk']);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepStrictEqual(back, item);
});

test('a ~400 KB item round-trips', () => {
  // Prepare
  const big = 'x'.repeat(300_000);
  const blob = new Uint8Array(90_000).map((_, i) => (i * 31) & 0xff);
  const item: Item = { pk: { S: 'big' }, text: { S: big }, blob: { B: blob } };

  // Act
  const back = decodeItem(encodeItem(item));

  // Assess
  assert.deepStrictEqual(back, item);
});

test('decoding refuses what is not DynamoDB JSON', () => {
  // Prepare
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
  for (const line of bad) {
    // Act
    const decode = () => decodeItem(line);

    // Assess
    assert.throws(decode, MalformedStreamError, line);
  }
});

test('decoding refuses nesting deeper than DynamoDB allows', () => {
  // Prepare
  const deep = `{"a":${'{"L":['.repeat(70)}{"S":"x"}${']}'.repeat(70)}}`;

  // Act
  const decode = () => decodeItem(deep);

  // Assess
  assert.throws(decode, MalformedStreamError);
});

test('item lines survive any chunking of the stream', async () => {
  // Prepare
  const items = [everyTypeItem('one'), { pk: { S: 'two' } }, everyTypeItem('three')];
  const stream = encodeItemLines(items);
  for (const size of [1, 2, 7, 64, stream.length]) {
    // Act
    const read = await collect(readItems(chunked(stream, size)));

    // Assess
    assert.deepStrictEqual(read, items, `chunks of ${size}`);
  }
});

test('an empty stream reads as no item', async () => {
  // Act
  const read = await collect(readItems(chunked(new Uint8Array(0))));

  // Assess
  assert.deepEqual(read, []);
});

test('a truncated, blank or non-UTF-8 line is a MalformedStreamError naming the line', async () => {
  // Prepare
  const good = encodeItemLines([{ pk: { S: 'a' } }]);
  const cut = encodeItemLines([{ pk: { S: 'a' } }, { pk: { S: 'b' } }]).subarray(0, good.length + 5);
  const cases: Array<[string, AsyncIterable<Uint8Array>, RegExp | ((e: unknown) => boolean)]> = [
    ['truncated', chunked(cut, 3), /line|middle/],
    ['blank', chunked(Buffer.concat([good, Buffer.from('\n')])), (e: unknown) => e instanceof MalformedStreamError && /line 2: empty/.test(e.message)],
    ['not UTF-8', chunked(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])), (e: unknown) => e instanceof MalformedStreamError && /UTF-8/.test(e.message)],
  ];
  for (const [label, stream, expected] of cases) {
    // Act
    const reading = collect(readItems(stream));

    // Assess
    await assert.rejects(reading, expected, label);
  }
});
