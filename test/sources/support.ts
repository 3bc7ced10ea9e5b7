/** Shared fixtures of the source tests: unique names, stream helpers, fault injection. */
import { createHash, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, HandlerExecutionContext } from '@smithy/types';
import { randomData } from '../helpers/engine.js';

/** A resource name no other test uses. */
export function uniqueName(kind: string): string {
  return `haven-src-${kind}-${randomUUID()}`;
}

/** Every item of an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A whole (small) byte stream in one buffer. */
export async function concatBytes(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  return Buffer.concat(await collect(stream));
}

/** Replays `bytes` in chunks of `size` bytes (1 by default: every possible boundary). */
export async function* chunked(bytes: Uint8Array, size = 1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Concatenates several streams into one. */
export async function* concatStreams(streams: Iterable<AsyncIterable<Uint8Array>>): AsyncGenerator<Uint8Array> {
  for (const stream of streams) yield* stream;
}

/** `size` deterministic pseudo-random bytes, generated 1 MiB at a time (never held whole). */
export async function* deterministicBytes(size: number, seed: number): AsyncGenerator<Uint8Array> {
  const block = 1024 * 1024;
  for (let offset = 0, i = 0; offset < size; offset += block, i++) yield randomData(Math.min(block, size - offset), seed * 100_003 + i);
}

/** SHA-256 (hex) of a stream, and the largest chunk it came in. */
export async function digest(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number; largestChunk: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let largestChunk = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
    largestChunk = Math.max(largestChunk, chunk.length);
  }
  return { sha256: hash.digest('hex'), size, largestChunk };
}

/** What a command interceptor sees, and how it passes the (possibly changed) input on. */
export type Around = (
  commandName: string,
  input: Record<string, unknown>,
  send: (input: Record<string, unknown>) => Promise<Record<string, unknown>>,
) => Promise<Record<string, unknown>>;

/**
 * Wraps every command `client` sends (ahead of the client's retries) with
 * `around`, to count calls or inject faults the emulator cannot produce;
 * returns a function that removes the wrapper.
 */
export function intercept(client: DynamoDBClient | S3Client, around: Around): () => void {
  const name = `test-intercept-${randomUUID()}`;
  const stack = client.middlewareStack as unknown as {
    add(middleware: (next: InitializeHandler<object, object>, context: HandlerExecutionContext) => InitializeHandler<object, object>, options: object): void;
    remove(name: string): boolean;
  };
  stack.add(
    (next, context) =>
      async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<object>> => {
        let response: InitializeHandlerOutput<object> | undefined;
        const output = await around(context.commandName ?? '', args.input as Record<string, unknown>, async (input) => {
          response = await next({ ...args, input });
          return response.output as Record<string, unknown>;
        });
        return { response: response?.response, output };
      },
    { step: 'initialize', name },
  );
  return () => void stack.remove(name);
}

/**
 * Samples the buffers still referenced (after a full GC) every 100 ms until
 * `stop`, which returns the largest sample minus the smallest. Garbage not
 * yet collected does not count, so the figure is what the code really holds.
 */
export function watchLiveMemory(): { stop(): number } {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const samples: number[] = [];
  const sample = () => {
    gc();
    samples.push(process.memoryUsage().arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      // The first sample may still see the buffers of whatever ran just before.
      return Math.max(...samples.slice(1)) - Math.min(...samples);
    },
  };
}
