/** Reading JSON definitions from `--file <path>` or `--file -` (standard input). */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UsageError } from '../api/errors.js';

/**
 * @param path - a file path, or `-` for standard input
 * @returns the JSON object it holds
 * @throws UsageError when it cannot be read or is not a JSON object
 */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  let raw: string;
  try {
    raw = path === '-' ? await text(process.stdin) : await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${path === '-' ? 'standard input' : path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${path === '-' ? 'standard input' : path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Sets a dotted path in an object, creating nested objects on the way.
 *
 * @param target - the object to change
 * @param path - `source.table_name`
 * @param value - what to put there
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  if (parts.some((p) => p.length === 0)) throw new UsageError(`'${path}' is not a field path like source.table_name`);
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/**
 * Parses one `--set path=value`: the value as JSON when it parses
 * (`true`, `4`, `["a"]`), otherwise as text.
 */
export function parseAssignment(assignment: string): [string, unknown] {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new UsageError(`--set takes path=value (source.table_name=orders), not '${assignment}'`);
  const raw = assignment.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // plain text
  }
  return [assignment.slice(0, at), value];
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Splits a comma-separated list flag. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * Builds a request body: the `--file` object (if any), then each flag's
 * field, then every `--set` (later wins).
 *
 * @param file - `--file` value
 * @param fields - dotted path → value from flags (undefined entries skipped)
 * @param sets - `--set` assignments
 */
export async function buildBody(file: string | undefined, fields: Record<string, unknown>, sets: readonly string[] = []): Promise<Record<string, unknown>> {
  const body = file ? await readJsonObject(file) : {};
  for (const [path, value] of Object.entries(fields)) if (value !== undefined) setPath(body, path, value);
  for (const assignment of sets) setPath(body, ...parseAssignment(assignment));
  return body;
}
