/** Checks restored files against the inputs by SHA-256. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

/** A restored file that does not match its input. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

/** SHA-256 of a file, streamed, as hex. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/**
 * Compares each input's SHA-256 with its restored copy.
 * @param expected - input path → its SHA-256
 * @param restored - input file name → restored path
 * @throws VerificationError when a file is missing or differs
 */
export async function verifyRestore(tool: string, expected: ReadonlyMap<string, string>, restored: ReadonlyMap<string, string>): Promise<void> {
  for (const [path, digest] of expected) {
    const copy = restored.get(basename(path));
    if (!copy) throw new VerificationError(`${tool}: ${basename(path)} was not restored`);
    const actual = await fileSha256(copy);
    if (actual !== digest) throw new VerificationError(`${tool}: restored ${basename(path)} has SHA-256 ${actual}, the input has ${digest}`);
  }
}
