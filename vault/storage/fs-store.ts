/**
 * The filesystem object store: a vault is a directory tree, one file per
 * object, for local and offline use (tests, the bench, a NAS mount).
 *
 * Writes are atomic: the body goes to a temporary file in the target's own
 * directory, is fsynced, then renamed over the target (or hard-linked, for
 * `ifNotExists`, which fails atomically when the target exists), and the
 * directory is fsynced. A failed write removes its temporary file, so a full
 * disk leaves nothing partial behind. Temporary files are named
 * `.haven-tmp-…` and are never listed.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidObjectKeyError, ObjectExistsError, ObjectNotFoundError, StorageError } from './errors.js';
import { errnoCode, mapFsError } from './fs-errors.js';
import { TEMP_FILE_PREFIX, assertValidKey, assertValidPrefix, assertValidRange, isValidKey } from './object-key.js';
import type { ByteRange, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';

/** The filesystem calls the store makes; replaceable to inject faults in tests. */
export type FileSystem = Pick<typeof nodeFs, 'open' | 'rename' | 'link' | 'unlink' | 'mkdir' | 'readdir' | 'stat'>;

/** Options of a `FileObjectStore`. */
export interface FileObjectStoreOptions {
  /** Filesystem calls to use (default `node:fs/promises`). */
  fs?: FileSystem;
}

/** Bytes written per write call, and between progress reports. */
const WRITE_CHUNK = 8 * 1024 * 1024;
/** Objects are private to the owner: even encrypted, a vault reveals sizes and counts. */
const FILE_MODE = 0o600;

function asPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** An `ObjectStore` over a directory tree. */
export class FileObjectStore implements ObjectStore {
  readonly uri: string;
  /** Absolute path of the store's root directory. */
  readonly rootDir: string;
  private readonly fs: FileSystem;

  /** @param rootDir - the vault's directory (created by the first write when missing) */
  constructor(rootDir: string, options: FileObjectStoreOptions = {}) {
    this.rootDir = resolve(rootDir);
    this.uri = pathToFileURL(this.rootDir).href;
    this.fs = options.fs ?? nodeFs;
  }

  /** Writes an object atomically (temp file, fsync, rename or link). */
  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    await this.makeParents(key, dir);
    if (options.ifNotExists && (await this.head(key))) throw new ObjectExistsError(key);

    const temp = join(dir, `${TEMP_FILE_PREFIX}${basename(path)}.${randomBytes(6).toString('hex')}`);
    let handle: FileHandle | undefined;
    let published = false;
    try {
      handle = await this.fs.open(temp, 'wx', FILE_MODE);
      await writeAll(handle, body, options.onProgress);
      await handle.sync();
      const opened = handle;
      handle = undefined;
      await opened.close();
      if (options.ifNotExists) {
        await this.fs.link(temp, path);
        published = true;
        await this.fs.unlink(temp).catch(() => undefined);
      } else {
        await this.fs.rename(temp, path);
        published = true;
      }
    } catch (error) {
      await handle?.close().catch(() => undefined);
      if (!published) await this.fs.unlink(temp).catch(() => undefined);
      if (options.ifNotExists && errnoCode(error) === 'EEXIST') throw new ObjectExistsError(key, { cause: error });
      if (errnoCode(error) === 'EISDIR') throw conflict(key, 'is a directory of other objects', error);
      throw mapFsError(error, { key, path, operation: 'write' });
    }
    await this.syncDir(dir);
  }

  /** Reads an object or a range of it; a range past the end yields the bytes that exist. */
  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const path = this.pathOf(key);
    if (range) assertValidRange(range);
    let handle: FileHandle | undefined;
    try {
      handle = await this.fs.open(path, 'r');
      if (!range) return asPlainBytes(await handle.readFile());
      // Not zero-filled: every byte returned is read from the file (a short read returns only what was filled).
      const out = asPlainBytes(Buffer.allocUnsafeSlow(range.end - range.start));
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await handle.read(out, filled, out.length - filled, range.start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === out.length ? out : out.slice(0, filled);
    } catch (error) {
      throw mapFsError(error, { key, path, operation: 'read' });
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /** Metadata of an object, or undefined when missing (a directory is not an object). */
  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const stats = await this.fs.stat(path);
      return stats.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
    } catch (error) {
      const mapped = mapFsError(error, { key, path, operation: 'stat' });
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  /**
   * Lists objects under `prefix`, one directory read at a time as the caller
   * iterates, in ascending byte order of the key. Temporary files, symlinks
   * and names that are not valid keys are skipped.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    yield* this.walk(slash < 0 ? '' : prefix.slice(0, slash), prefix.slice(slash + 1));
  }

  /** Deletes an object; a missing one is not an error. */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await this.fs.unlink(path);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return;
      throw mapFsError(error, { key, path, operation: 'delete' });
    }
  }

  /** The file of a key; refuses anything that could leave the root (`..`, absolute paths). */
  private pathOf(key: string): string {
    assertValidKey(key);
    const path = join(this.rootDir, ...key.split('/'));
    if (!path.startsWith(this.rootDir + sep)) throw new InvalidObjectKeyError(key, 'resolves outside the store');
    return path;
  }

  private async makeParents(key: string, dir: string): Promise<void> {
    try {
      await this.fs.mkdir(dir, { recursive: true });
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOTDIR' || code === 'EEXIST') throw conflict(key, 'has an existing object as a parent directory', error);
      throw mapFsError(error, { key, path: dir, operation: 'mkdir' });
    }
  }

  /** Makes a rename durable; best effort, as some filesystems cannot fsync a directory. */
  private async syncDir(dir: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await this.fs.open(dir, 'r');
      await handle.sync();
    } catch {
      // Not supported here; the file itself is already fsynced.
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private async *walk(dirKey: string, namePrefix: string): AsyncGenerator<ObjectInfo> {
    const dirPath = dirKey === '' ? this.rootDir : join(this.rootDir, ...dirKey.split('/'));
    let entries: Dirent[];
    try {
      entries = await this.fs.readdir(dirPath, { withFileTypes: true });
    } catch (error) {
      const mapped = mapFsError(error, { key: dirKey, path: dirPath, operation: 'list' });
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
    // Sorting directories as `name/` makes a depth-first walk yield keys in byte order.
    const items = entries
      .filter((e) => e.name.startsWith(namePrefix) && !e.name.startsWith(TEMP_FILE_PREFIX) && (e.isFile() || e.isDirectory()))
      .map((e) => ({ name: e.name, isDir: e.isDirectory(), sortKey: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name) }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const item of items) {
      const key = dirKey === '' ? item.name : `${dirKey}/${item.name}`;
      if (!isValidKey(key)) continue;
      if (item.isDir) {
        yield* this.walk(key, '');
        continue;
      }
      const info = await this.head(key);
      if (info) yield info;
    }
  }
}

async function writeAll(handle: FileHandle, body: Uint8Array, onProgress?: (bytesSent: number) => void): Promise<void> {
  let offset = 0;
  while (offset < body.length) {
    const { bytesWritten } = await handle.write(body, offset, Math.min(WRITE_CHUNK, body.length - offset), offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
    try {
      onProgress?.(offset);
    } catch {
      // Progress reporting never fails a write.
    }
  }
}

function conflict(key: string, what: string, cause: unknown): StorageError {
  return new StorageError(`cannot write ${key}: its path ${what} (a filesystem store cannot hold both \`a\` and \`a/b\`)`, {
    cause,
  });
}
