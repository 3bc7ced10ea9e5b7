/**
 * Pull-based reading of a byte stream that arrives in chunks of any size:
 * whole lines (which may straddle chunks) and bytes as they come. Memory
 * stays bounded by the longest line allowed plus one chunk; bytes are handed
 * out as views of the incoming chunks, never gathered.
 */
import { MalformedStreamError } from './errors.js';

const NEWLINE = 0x0a;

/** Reads lines and byte runs from an `AsyncIterable<Uint8Array>`. */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Makes bytes available unless the stream is over; false at the end. */
  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      if (this.ended) return false;
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.chunk = next.value;
      this.offset = 0;
    }
    return true;
  }

  /** True when every byte has been read. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /**
   * The next line without its `\n`, or undefined at the end of the stream.
   * @throws MalformedStreamError when the line is longer than `maxLength`
   *   bytes or the stream ends in the middle of it
   */
  async readLine(maxLength: number): Promise<Uint8Array | undefined> {
    const parts: Uint8Array[] = [];
    let length = 0;
    while (await this.fill()) {
      const end = this.chunk.indexOf(NEWLINE, this.offset);
      const stop = end < 0 ? this.chunk.length : end;
      length += stop - this.offset;
      if (length > maxLength) throw new MalformedStreamError(`a line is longer than ${maxLength} bytes`);
      parts.push(this.chunk.subarray(this.offset, stop));
      this.offset = stop;
      if (end >= 0) {
        this.offset += 1;
        return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, length);
      }
    }
    if (parts.length > 0) throw new MalformedStreamError('the stream ends in the middle of a line');
    return undefined;
  }

  /**
   * Up to `max` of the next bytes (a view of the current chunk), or undefined at the end.
   */
  async readChunk(max: number): Promise<Uint8Array | undefined> {
    if (!(await this.fill())) return undefined;
    const end = Math.min(this.chunk.length, this.offset + max);
    const out = this.chunk.subarray(this.offset, end);
    this.offset = end;
    return out;
  }

  /** Stops reading the source (lets its producer clean up). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }
}
