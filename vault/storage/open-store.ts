/**
 * Opens the object store a location names:
 *
 * - `s3://bucket` or `s3://bucket/some/prefix` → `S3ObjectStore`
 * - `file:///abs/path` (or `file://localhost/abs/path`) → `FileObjectStore`
 * - a plain path, absolute or relative to the working directory → `FileObjectStore`
 *
 * Anything else (another scheme, a bad bucket name, a relative `file:` URL)
 * is an `InvalidStoreUriError`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidObjectKeyError, InvalidStoreUriError } from './errors.js';
import { FileObjectStore } from './fs-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-store.js';

/** Where a store location points. */
export type StoreLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'file'; path: string };

/** S3 bucket naming rules (3–63 of lowercase letters, digits, `.` and `-`, starting and ending alphanumeric). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

function parseS3(uri: string): StoreLocation {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) throw new InvalidStoreUriError(uri, `"${bucket}" is not a valid S3 bucket name`);
  if (/[?#]/.test(rest)) throw new InvalidStoreUriError(uri, 'S3 locations take no query or fragment');
  return { kind: 's3', bucket, prefix };
}

function parseFileUrl(uri: string): StoreLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidStoreUriError(uri, 'not a valid file: URL');
  }
  if (url.host !== '' && url.host !== 'localhost') throw new InvalidStoreUriError(uri, `remote file hosts ("${url.host}") are not supported`);
  if (!uri.startsWith('file:///') && !uri.startsWith('file://localhost/')) {
    throw new InvalidStoreUriError(uri, 'file: URLs must be absolute (file:///abs/path)');
  }
  if (url.search !== '' || url.hash !== '') throw new InvalidStoreUriError(uri, 'file: URLs take no query or fragment');
  try {
    return { kind: 'file', path: fileURLToPath(url) };
  } catch (error) {
    throw new InvalidStoreUriError(uri, error instanceof Error ? error.message : 'not a file path');
  }
}

/**
 * Parses a store location without opening anything.
 * @throws InvalidStoreUriError when the location is empty, malformed or of an unknown scheme
 */
export function parseStoreUri(uri: string): StoreLocation {
  if (uri.trim() === '') throw new InvalidStoreUriError(uri, 'empty location');
  if (uri.includes('\0')) throw new InvalidStoreUriError(uri, 'NUL characters are not allowed');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 's3') {
    if (!uri.startsWith('s3://')) throw new InvalidStoreUriError(uri, 'S3 locations look like s3://bucket/prefix');
    return parseS3(uri);
  }
  if (scheme === 'file') return parseFileUrl(uri);
  // A one-letter "scheme" is a Windows drive (C:\…), not a URL.
  if (scheme !== undefined && scheme.length > 1) {
    throw new InvalidStoreUriError(uri, `unsupported scheme "${scheme}:" (use s3://bucket/prefix, file:///path or a path)`);
  }
  return { kind: 'file', path: resolve(uri) };
}

/**
 * Opens the object store at `uri` (see the module documentation for the forms accepted).
 * @example openObjectStore('s3://my-backups/vaults/laptop')
 * @example openObjectStore('./vault')
 * @throws InvalidStoreUriError when the location cannot be parsed
 */
export function openObjectStore(uri: string): ObjectStore {
  const location = parseStoreUri(uri);
  if (location.kind === 'file') return new FileObjectStore(location.path);
  try {
    return new S3ObjectStore(location.bucket, location.prefix);
  } catch (error) {
    if (error instanceof InvalidObjectKeyError) throw new InvalidStoreUriError(uri, `invalid prefix: ${error.message}`);
    throw error;
  }
}
