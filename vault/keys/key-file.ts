/**
 * Local key files: 32 random bytes, base64 on one line, readable by the
 * owner only. They stand in for a KMS key offline (tests, the bench, a
 * laptop without AWS); whoever reads the file can unwrap every data key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyAccessError, KeyFileExistsError, KeyNotFoundError } from './errors.js';

/** Bytes of the key a key file holds (AES-256). */
export const KEY_FILE_KEY_LENGTH = 32;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Creates a key file with a fresh random key: mode 0600, parent directories
 * created (mode 0700) when missing. Never overwrites: an existing file may be
 * the only key to existing vaults.
 * @throws KeyFileExistsError when `path` exists; KeyAccessError when it cannot be written
 */
export async function createKeyFile(path: string): Promise<void> {
  const key = randomBytes(KEY_FILE_KEY_LENGTH);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${key.toString('base64')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw new KeyFileExistsError(`key file ${path} already exists; refusing to overwrite it`, { cause: error });
    throw new KeyAccessError(`cannot create key file ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    key.fill(0);
  }
}

/**
 * Reads the key of a key file.
 * @throws KeyNotFoundError when the file is missing; KeyAccessError when it
 *   cannot be read or does not hold a base64 32-byte key
 */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new KeyNotFoundError(`key file ${path} does not exist`, { cause: error });
    throw new KeyAccessError(`cannot read key file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const encoded = text.trim();
  if (!BASE64_KEY.test(encoded)) {
    throw new KeyAccessError(`${path} is not a Haven key file (expected ${KEY_FILE_KEY_LENGTH} bytes in base64 on one line)`);
  }
  return new Uint8Array(Buffer.from(encoded, 'base64'));
}
