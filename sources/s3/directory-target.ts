/**
 * A local directory as the restore target of an S3 backup (the DR CLI's
 * `--to-dir`): each object becomes a file whose path under the directory is
 * its key, and its S3 metadata (content type, user metadata, content
 * headers, ETag, last modified) goes into one sidecar, `.haven/objects.jsonl`
 * under the directory: one JSON line per object, `{key, path, size, etag,
 * content_type, metadata, last_modified, …}` (the frame header of
 * `frame.ts` plus `path`, relative to the directory). A file's modification
 * time is set to the object's.
 *
 * A key that is not a safe relative path is never written where it says: an
 * empty, `.` or `..` segment, a leading `/`, a NUL, a segment over 255 bytes,
 * a first segment `.haven` (the sidecar's folder), or a path that collides
 * with what is already there (a file where a folder is needed or the
 * reverse, a symbolic link on the way) goes to `.haven/keys/<SHA-256 of the
 * key>` instead, and the sidecar maps it back to its key. A key ending in
 * `/` with no content (a folder marker) becomes a folder.
 *
 * Each file is written to a temporary name beside it and renamed into place
 * when complete, so a file is there whole or not at all, and a rename
 * replaces a symbolic link rather than following it.
 *
 * - `fail_if_exists`: `prepare` refuses a directory that holds anything.
 * - `overwrite`: an existing file is replaced.
 * - `skip_existing`: an existing file is left alone and counted as skipped.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidSourceConfigError, RestoreConflictError } from '../errors.js';
import { keyFilter, type KeyFilter, type KeySelection } from '../key-filter.js';
import { ConflictPolicy, type RestorePrepareOptions, type RestoreResult, type RestoreTarget, type RestoreWriteOptions } from '../source.js';
import { readFrames } from './frame-reader.js';
import type { ObjectHeader } from './frame.js';

/** The folder under the target directory that holds the sidecar and the objects whose keys are no safe path. */
export const SIDECAR_FOLDER = '.haven';
/** The sidecar: one JSON line per restored object. */
export const SIDECAR_FILE = `${SIDECAR_FOLDER}/objects.jsonl`;
/** Where an object whose key is no safe path is written: `.haven/keys/<sha256 of the key>`. */
export const MAPPED_KEYS_FOLDER = `${SIDECAR_FOLDER}/keys`;

/** Longest file name most file systems take, in bytes. */
const MAX_NAME_BYTES = 255;

/** Where to restore, and optionally which keys. */
export interface DirectoryTargetConfig {
  dir: string;
  /** Restore only these keys (relative to the backup's prefix); default: all. */
  select?: KeySelection;
}

/** One line of the sidecar. */
export interface SidecarEntry extends ObjectHeader {
  /** Where the object is, relative to the directory (`/`-separated; a folder marker ends in `/`). */
  path: string;
}

/**
 * The path (`/`-separated, relative) a key is written to when it is a safe one.
 * @returns undefined when the key is no safe relative path (see the module comment)
 */
export function plainPath(key: string): string | undefined {
  const segments = key.split('/');
  const unsafe = (s: string) => s === '' || s === '.' || s === '..' || s.includes('\0') || Buffer.byteLength(s) > MAX_NAME_BYTES;
  if (segments[0] === SIDECAR_FOLDER || segments.some(unsafe)) return undefined;
  return segments.join('/');
}

/** The path of an object whose key is no safe path. */
export function mappedPath(key: string): string {
  return `${MAPPED_KEYS_FOLDER}/${createHash('sha256').update(key).digest('hex')}`;
}

/** A file-system error that means "something else is in the way" of a folder (a file, or a file on its path). */
function inTheWay(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTDIR' || code === 'EEXIST';
}

/** A directory Haven can restore an S3 backup's objects into. */
export class DirectoryRestoreTarget implements RestoreTarget {
  private readonly selected: KeyFilter;
  /** Folders (relative) known to be real folders, not links. */
  private readonly folders = new Set<string>(['']);
  private sidecar: Promise<FileHandle> | undefined;
  private temporary = 0;

  /** @throws InvalidSourceConfigError for an empty directory name or an invalid selection */
  constructor(readonly config: DirectoryTargetConfig) {
    if (!config.dir) throw new InvalidSourceConfigError('a directory restore target needs a directory');
    this.selected = keyFilter(config.select);
  }

  /**
   * Creates the directory when missing; for `fail_if_exists`, refuses one that holds anything.
   * @throws InvalidSourceConfigError when `described` is not an S3 source's description, or the directory cannot be made or read
   * @throws RestoreConflictError for `fail_if_exists` and a non-empty directory (nothing was written)
   */
  async prepare(options: RestorePrepareOptions, described: Record<string, unknown>): Promise<void> {
    if (described.kind !== 's3') throw new InvalidSourceConfigError(`cannot restore a ${String(described.kind ?? 'non-S3')} backup into a directory of objects`);
    let entries: string[];
    try {
      await mkdir(this.config.dir, { recursive: true });
      entries = await readdir(this.config.dir);
    } catch (error) {
      throw new InvalidSourceConfigError(`cannot restore into ${this.config.dir}: ${(error as Error).message}`, { cause: error });
    }
    if (options.conflict_policy === ConflictPolicy.FailIfExists && entries.length > 0) {
      throw new RestoreConflictError(`directory ${this.config.dir} is not empty and the conflict policy is fail_if_exists`);
    }
  }

  /** Writes the selected objects of one partition's framed stream as files, and their metadata into the sidecar. */
  async restore(stream: AsyncIterable<Uint8Array>, options: RestoreWriteOptions): Promise<RestoreResult> {
    const result: RestoreResult = { records: 0, skipped: 0 };
    const skipExisting = options.conflict_policy === ConflictPolicy.SkipExisting;
    for await (const { header, body } of readFrames(stream)) {
      if (!this.selected(header.key)) continue;
      const path = await this.write(header, body, skipExisting);
      if (path === undefined) {
        result.skipped += 1;
        continue;
      }
      await (await this.openSidecar()).write(`${JSON.stringify({ ...header, path } satisfies SidecarEntry)}\n`);
      result.records += 1;
    }
    return result;
  }

  /** Closes the sidecar. */
  async finish(): Promise<void> {
    const sidecar = this.sidecar;
    this.sidecar = undefined;
    await (await sidecar)?.close();
  }

  private openSidecar(): Promise<FileHandle> {
    this.sidecar ??= (async () => {
      await this.ensureFolder(SIDECAR_FOLDER);
      return open(join(this.config.dir, SIDECAR_FILE), 'a');
    })();
    return this.sidecar;
  }

  /**
   * Writes one object where its key says, or at its mapped path when that is not possible.
   * @returns the path written, or undefined when `skipExisting` left an existing file alone
   */
  private async write(header: ObjectHeader, body: AsyncIterable<Uint8Array>, skipExisting: boolean): Promise<string | undefined> {
    const plain = plainPath(header.key.endsWith('/') && header.size === 0 ? header.key.slice(0, -1) : header.key);
    if (plain !== undefined && header.key.endsWith('/') && header.size === 0) {
      if (await this.ensureFolder(plain)) return `${plain}/`;
    } else if (plain !== undefined && (await this.ensureFolder(parentOf(plain)))) {
      const written = await this.writeFile(plain, header, body, skipExisting);
      if (written !== false) return written;
    }
    await this.ensureFolder(MAPPED_KEYS_FOLDER);
    const mapped = mappedPath(header.key);
    const written = await this.writeFile(mapped, header, body, skipExisting);
    if (written === false) throw new InvalidSourceConfigError(`cannot write ${mapped} under ${this.config.dir}: something else is in the way`);
    return written;
  }

  /**
   * Makes `folder` (relative) a real folder, creating what is missing.
   * @returns false when a file or a symbolic link is in the way
   */
  private async ensureFolder(folder: string): Promise<boolean> {
    if (this.folders.has(folder)) return true;
    if (!(await this.ensureFolder(parentOf(folder)))) return false;
    const full = join(this.config.dir, folder);
    try {
      await mkdir(full);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        if (inTheWay(error)) return false;
        throw error;
      }
      if (!(await lstat(full)).isDirectory()) return false;
    }
    this.folders.add(folder);
    return true;
  }

  /**
   * Streams `body` into a temporary file beside `path`, then renames it into place.
   * @returns the path, undefined when `skipExisting` found a file there, false when a folder is in the way (nothing was read)
   */
  private async writeFile(path: string, header: ObjectHeader, body: AsyncIterable<Uint8Array>, skipExisting: boolean): Promise<string | undefined | false> {
    const full = join(this.config.dir, path);
    const existing = await lstat(full).catch(() => undefined);
    if (existing?.isDirectory()) return false;
    if (existing && skipExisting) return undefined;
    // A short name of its own (a long key's name plus a suffix could pass 255 bytes); `wx` never replaces anything.
    const partial = join(this.config.dir, parentOf(path), `.haven-partial-${process.pid}-${this.temporary++}`);
    try {
      await pipeline(Readable.from(body), createWriteStream(partial, { flags: 'wx' }));
      const modified = new Date(header.last_modified);
      if (!Number.isNaN(modified.getTime())) await utimes(partial, modified, modified);
      await rename(partial, full);
      return path;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}

/** The parent folder of a relative `/`-separated path (`''` for a top-level one). */
function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}
