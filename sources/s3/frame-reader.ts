/**
 * Reads a framed S3 partition stream (see `frame.ts`) one object at a time,
 * in bounded memory: an object's bytes are handed out as they arrive, never
 * gathered.
 */
import { ByteReader } from '../byte-reader.js';
import { MalformedStreamError } from '../errors.js';
import { MAX_HEADER_BYTES, parseHeader, type ObjectHeader } from './frame.js';

/**
 * One object of the stream. `body` yields exactly `header.size` bytes and
 * must be done with before the next frame is asked for; bytes it was not
 * read for are skipped then.
 */
export interface ObjectFrame {
  header: ObjectHeader;
  body: AsyncIterable<Uint8Array>;
}

async function* bodyBytes(reader: ByteReader, state: { left: number }, key: string): AsyncGenerator<Uint8Array> {
  while (state.left > 0) {
    const chunk = await reader.readChunk(state.left);
    if (!chunk) throw new MalformedStreamError(`the stream ends ${state.left} bytes into the content of ${JSON.stringify(key)}`);
    state.left -= chunk.length;
    yield chunk;
  }
}

/**
 * The objects of a framed stream, in order.
 * @throws MalformedStreamError for a bad header, an over-long header line, or a stream cut short
 */
export async function* readFrames(stream: AsyncIterable<Uint8Array>): AsyncGenerator<ObjectFrame> {
  const reader = new ByteReader(stream);
  try {
    for (;;) {
      const line = await reader.readLine(MAX_HEADER_BYTES);
      if (line === undefined) return;
      const header = parseHeader(line);
      const state = { left: header.size };
      yield { header, body: bodyBytes(reader, state, header.key) };
      for await (const _skipped of bodyBytes(reader, state, header.key));
    }
  } finally {
    await reader.close();
  }
}
