/**
 * DynamoDB JSON lines ⇄ byte streams: pages of items become one chunk of
 * `\n`-terminated lines; a restore stream (chunks cut anywhere) becomes
 * items again, one line at a time in bounded memory.
 */
import { ByteReader } from '../byte-reader.js';
import { MalformedStreamError } from '../errors.js';
import { decodeItem, encodeItem, type Item } from './item-codec.js';

/**
 * Longest line accepted. An item is at most 400 KB; base64 and JSON escapes
 * can grow it a few times, never past this.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Items as `\n`-terminated DynamoDB JSON lines, UTF-8 encoded. */
export function encodeItemLines(items: readonly Item[]): Uint8Array {
  return encoder.encode(items.map((item) => `${encodeItem(item)}\n`).join(''));
}

/**
 * The items of a stream of DynamoDB JSON lines.
 * @throws MalformedStreamError naming the line for bad UTF-8, bad JSON, an
 *   empty or over-long line, or a stream cut mid-line
 */
export async function* readItems(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Item> {
  const reader = new ByteReader(stream);
  let lineNumber = 0;
  try {
    for (;;) {
      const line = await reader.readLine(MAX_LINE_BYTES);
      if (line === undefined) return;
      lineNumber += 1;
      try {
        if (line.length === 0) throw new MalformedStreamError('empty line');
        yield decodeItem(decoder.decode(line));
      } catch (error) {
        if (error instanceof MalformedStreamError) throw new MalformedStreamError(`line ${lineNumber}: ${error.message}`, { cause: error });
        if (error instanceof TypeError) throw new MalformedStreamError(`line ${lineNumber}: not valid UTF-8`, { cause: error });
        throw error;
      }
    }
  } finally {
    await reader.close();
  }
}
