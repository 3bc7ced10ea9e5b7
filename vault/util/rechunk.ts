/**
 * Re-cuts a byte stream into pieces of a fixed size (the last may be
 * shorter), copying into fresh buffers so a piece holds no reference to the
 * incoming chunks. Used to cut a stream into multipart upload parts
 * (`storage/s3-multipart.ts`) and to gather small restored objects.
 */

/** Yields `size`-byte copies of the stream's bytes; the last piece holds the remainder (none for an empty stream). */
export async function* rechunk(stream: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let piece = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of stream) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(size - filled, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield piece;
        piece = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield piece.subarray(0, filled);
}

/** The whole stream in one buffer; for streams known to be small. */
export async function collectBytes(stream: AsyncIterable<Uint8Array>, expectedSize: number): Promise<Uint8Array> {
  const out = new Uint8Array(expectedSize);
  let filled = 0;
  for await (const chunk of rechunk(stream, Math.max(1, expectedSize))) {
    out.set(chunk, filled);
    filled += chunk.length;
  }
  return out.subarray(0, filled);
}
