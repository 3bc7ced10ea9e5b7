/**
 * `COPY … TO STDOUT` as a readable stream of large buffers. Like
 * pg-copy-streams' `to` (whose way of taking over the connection it
 * follows: the query takes the socket's data until CopyDone, then hands the
 * rest back to `pg`), but each socket read becomes one buffer holding all
 * the row payloads it carried, moved together over the protocol frames:
 * the server sends one CopyData message per row, and splitting the stream
 * into a buffer per row cost more CPU than the rest of a backup's client
 * side. Counts the rows (one CopyData message each, in text format) as it
 * goes.
 */
import { Readable } from 'node:stream';
import type { Connection } from 'pg';

/** Protocol message types (the first byte of each backend message). */
const Message = {
  CopyOutResponse: 0x48, // H
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  ErrorResponse: 0x45, // E
  NoticeResponse: 0x4e, // N
  ParameterStatus: 0x53, // S
  NotificationResponse: 0x41, // A
} as const;

/** Messages that may arrive between CopyOutResponse and CopyDone. */
const DURING_COPY: ReadonlySet<number> = new Set([Message.CopyOutResponse, Message.CopyData, Message.NoticeResponse, Message.ParameterStatus, Message.NotificationResponse]);

/** Type byte plus length. */
const HEADER_BYTES = 5;

/** A `COPY … TO STDOUT` query for `client.query(…)`: a readable of the rows' bytes. */
export class CopyOut extends Readable {
  /** Rows received so far (CopyData messages). */
  rows = 0;
  private connection: Connection | undefined;
  private dataHandler: ((chunk: Buffer) => void) | undefined;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerBytes = 0;
  private code = 0;
  /** Payload bytes of the current message still to come (-1: between messages). */
  private remaining = -1;
  private wanted = false;
  private forwarding = false;
  private readonly onReadable = () => this.forward();

  constructor(private readonly text: string) {
    super();
  }

  /** Called by `pg` when the query's turn comes. */
  submit(connection: Connection): void {
    this.connection = connection;
    const stream = connection.stream;
    const [handler] = stream.listeners('data') as Array<(chunk: Buffer) => void>;
    if (!handler || stream.listenerCount('data') !== 1) throw new Error('CopyOut: the connection has no single data listener to take over');
    this.dataHandler = handler;
    stream.removeListener('data', handler);
    stream.pause();
    stream.on('readable', this.onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.wanted = true;
    this.forward();
  }

  private forward(): void {
    if (this.forwarding || !this.wanted || !this.connection) return;
    this.forwarding = true;
    let chunk: Buffer | null;
    while (this.wanted && this.connection && (chunk = this.connection.stream.read() as Buffer | null) !== null) this.parse(chunk);
    this.forwarding = false;
  }

  /**
   * Takes the row payloads out of one socket read, moving them in place over the message headers
   * (`copyWithin`, a builtin: a third of the CPU of `Buffer.copy` into a new buffer, whose native
   * call per row cost more than the copying); hands the connection back at CopyDone or an error.
   * Where payloads land is never past where the next message starts, so what is handed back is intact.
   */
  private parse(chunk: Buffer): void {
    const out = chunk;
    let o = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining < 0) {
        // Where this message's header starts in the chunk (negative: it began in the previous read).
        const messageStart = i - this.headerBytes;
        const take = Math.min(HEADER_BYTES - this.headerBytes, chunk.length - i);
        if (this.headerBytes === 0 && take === HEADER_BYTES) {
          this.code = chunk[i]!;
          this.remaining = ((chunk[i + 1]! << 24) | (chunk[i + 2]! << 16) | (chunk[i + 3]! << 8) | chunk[i + 4]!) - 4;
        } else {
          chunk.copy(this.header, this.headerBytes, i, i + take);
          this.headerBytes += take;
          if (this.headerBytes < HEADER_BYTES) return this.flush(out, o);
          this.code = this.header[0]!;
          this.remaining = this.header.readUInt32BE(1) - 4;
          this.headerBytes = 0;
        }
        i += take;
        if (this.code === Message.ErrorResponse) {
          // pg parses the error (and what follows) and fails the query through handleError.
          this.flush(out, o);
          const unread = messageStart >= 0 ? chunk.subarray(messageStart) : Buffer.concat([this.header.subarray(0, HEADER_BYTES), chunk.subarray(i)]);
          return this.detach(unread);
        }
        if (this.code === Message.CopyData) this.rows += 1;
      }
      const n = Math.min(this.remaining, chunk.length - i);
      if (this.code === Message.CopyData) {
        if (o !== i) chunk.copyWithin(o, i, i + n);
        o += n;
      }
      i += n;
      this.remaining -= n;
      if (this.remaining === 0) {
        this.remaining = -1;
        if (!DURING_COPY.has(this.code)) {
          // CopyDone: what follows (CommandComplete, ReadyForQuery) is pg's again.
          this.flush(out, o);
          this.detach(chunk.subarray(i));
          this.push(null);
          return;
        }
      }
    }
    this.flush(out, o);
  }

  private flush(out: Buffer, length: number): void {
    if (length > 0 && !this.push(out.subarray(0, length))) this.wanted = false;
  }

  private detach(unread: Buffer): void {
    const connection = this.connection!;
    const handler = this.dataHandler!;
    this.connection = undefined;
    connection.stream.removeListener('readable', this.onReadable);
    connection.stream.on('data', handler);
    if (unread.length > 0) handler(unread);
    process.nextTick(() => connection.stream.resume());
  }

  /** Called by `pg` with the statement's error. */
  handleError(error: Error): void {
    this.destroy(error);
  }

  /** Called by `pg` at CommandComplete. */
  handleCommandComplete(): void {}

  /** Called by `pg` when the connection is ready for the next query. */
  handleReadyForQuery(): void {}
}
