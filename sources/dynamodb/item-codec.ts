/**
 * DynamoDB items as JSON lines, in DynamoDB's own JSON shape: every value is
 * a one-key object naming its type, `{"pk":{"S":"a"},"n":{"N":"1.50"}}`.
 * Numbers stay strings (never JS numbers, so no precision is lost), binary
 * values (B, BS) are base64, maps and lists nest. Attribute names are
 * written in sorted order, so an unchanged item always encodes to the same
 * bytes (good for deduplication). `decodeItem(encodeItem(x))` equals `x`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MalformedStreamError, SourceError } from '../errors.js';

/** A DynamoDB item in the low-level client's shape. */
export type Item = Record<string, AttributeValue>;

/** JSON form of one attribute value. */
type JsonValue = string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** Deepest nesting of maps and lists accepted when decoding (DynamoDB allows 32). */
const MAX_DEPTH = 64;

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: unknown, path: string): Uint8Array {
  if (typeof text !== 'string') throw malformed(path, 'binary values must be base64 strings');
  const buffer = Buffer.from(text, 'base64');
  // Buffer.from skips characters that are not base64; re-encoding catches them.
  if (buffer.toString('base64') !== text) throw malformed(path, 'not canonical base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function malformed(path: string, reason: string): MalformedStreamError {
  return new MalformedStreamError(`item attribute ${path}: ${reason}`);
}

function sortedEntries<V>(record: Record<string, V>): [string, V][] {
  return Object.keys(record)
    .sort()
    .map((key) => [key, record[key] as V]);
}

function encodeMap(map: Record<string, AttributeValue>): JsonObject {
  return Object.fromEntries(sortedEntries(map).map(([name, value]) => [name, encodeValue(value)]));
}

function encodeValue(value: AttributeValue): JsonObject {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.M !== undefined) return { M: encodeMap(value.M) };
  if (value.L !== undefined) return { L: value.L.map(encodeValue) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new SourceError(`cannot encode an attribute value of unknown type: ${JSON.stringify(Object.keys(value))}`);
}

/**
 * One item as DynamoDB JSON on one line (no trailing newline).
 * @throws SourceError for an attribute value of a type DynamoDB does not have
 */
export function encodeItem(item: Item): string {
  return JSON.stringify(encodeMap(item));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw malformed(path, 'expected an array of strings');
  return value;
}

function decodeMap(value: unknown, path: string, depth: number): Item {
  if (!isObject(value)) throw malformed(path, 'expected an object of attribute values');
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, decodeValue(v, `${path}.${name}`, depth)]));
}

function decodeValue(json: unknown, path: string, depth: number): AttributeValue {
  if (depth > MAX_DEPTH) throw malformed(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(json)) throw malformed(path, 'expected a one-key object such as {"S": "…"}');
  const keys = Object.keys(json);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined) throw malformed(path, `expected exactly one type key, got ${JSON.stringify(keys)}`);
  const value = json[type];
  switch (type) {
    case 'S':
    case 'N':
      if (typeof value !== 'string') throw malformed(path, `${type} must be a string`);
      return type === 'S' ? { S: value } : { N: value };
    case 'B':
      return { B: fromBase64(value, path) };
    case 'SS':
      return { SS: stringArray(value, path) };
    case 'NS':
      return { NS: stringArray(value, path) };
    case 'BS':
      return { BS: stringArray(value, path).map((v) => fromBase64(v, path)) };
    case 'M':
      return { M: decodeMap(value, path, depth + 1) };
    case 'L':
      if (!Array.isArray(value)) throw malformed(path, 'L must be an array');
      return { L: value.map((v, i) => decodeValue(v, `${path}[${i}]`, depth + 1)) };
    case 'NULL':
      if (value !== true) throw malformed(path, 'NULL must be true');
      return { NULL: true };
    case 'BOOL':
      if (typeof value !== 'boolean') throw malformed(path, 'BOOL must be a boolean');
      return { BOOL: value };
    default:
      throw malformed(path, `unknown type ${JSON.stringify(type)}`);
  }
}

/**
 * Parses one DynamoDB JSON line back into an item.
 * @throws MalformedStreamError for invalid JSON or anything that is not DynamoDB JSON
 */
export function decodeItem(line: string): Item {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new MalformedStreamError(`not a JSON line: ${(error as Error).message}`, { cause: error });
  }
  return decodeMap(json, '$', 0);
}
