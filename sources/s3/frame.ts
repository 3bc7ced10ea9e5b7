/**
 * The framed stream of an S3 partition: for each object, one JSON header
 * line, then exactly `size` raw bytes of content (no separator after them):
 *
 * ```
 * {"key":"a/b.txt","size":5,"etag":"5d41402abc4b2a76b9719d911017c592","content_type":"text/plain","metadata":{"owner":"ann"},"last_modified":"2025-01-01T00:00:00.000Z"}\n
 * hello{"key":…
 * ```
 *
 * `key` is relative to the source prefix; `etag` is S3's without quotes;
 * `metadata` is the user metadata (`x-amz-meta-*`, names lower-case);
 * `content_type` is null when S3 reported none; `cache_control`,
 * `content_disposition`, `content_encoding` and `content_language` appear
 * only when the object has them.
 */
import { z } from 'zod';
import { MalformedStreamError } from '../errors.js';

/** Longest header line accepted (a key is at most 1 KiB, user metadata at most 2 KiB). */
export const MAX_HEADER_BYTES = 256 * 1024;

const headerParser = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  etag: z.string(),
  content_type: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  last_modified: z.string(),
  cache_control: z.string().optional(),
  content_disposition: z.string().optional(),
  content_encoding: z.string().optional(),
  content_language: z.string().optional(),
});

/** The header of one object in the framed stream. */
export type ObjectHeader = z.infer<typeof headerParser>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The header line of an object, `\n` included. */
export function encodeHeader(header: ObjectHeader): Uint8Array {
  return encoder.encode(`${JSON.stringify(header)}\n`);
}

/**
 * Parses a header line (without its `\n`).
 * @throws MalformedStreamError when it is not valid UTF-8 JSON of a header's shape
 */
export function parseHeader(line: Uint8Array): ObjectHeader {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(line));
  } catch (error) {
    throw new MalformedStreamError('an object header is not a UTF-8 JSON line', { cause: error });
  }
  const parsed = headerParser.safeParse(json);
  if (!parsed.success) throw new MalformedStreamError(`not an object header: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
