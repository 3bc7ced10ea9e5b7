/**
 * DeleteObjects as AWS answers it when some keys are denied: 200, the
 * allowed keys deleted, and a `<Error><Code>AccessDenied</Code>` entry per
 * denied key. The proxy forwards a body without the denied objects (its
 * checksum headers recomputed) and merges the errors into the answer.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { DeleteObjectsEntry } from './request/s3.js';
import { xmlEscape } from './request/xml.js';

/** The body with the denied keys' `<Object>` elements removed. */
export function withoutDenied(body: string, objects: readonly DeleteObjectsEntry[], deniedKeys: ReadonlySet<string>): string {
  const deniedXml = new Set(objects.filter((o) => deniedKeys.has(o.Key)).map((o) => o.xml));
  return body.replace(/<Object>[\s\S]*?<\/Object>/g, (element) => (deniedXml.has(element) ? '' : element));
}

/** The per-key errors AWS reports for denied keys. */
export function deniedErrors(objects: readonly DeleteObjectsEntry[], deniedKeys: ReadonlySet<string>): string {
  return objects
    .filter((o) => deniedKeys.has(o.Key))
    .map((o) => `<Error><Key>${xmlEscape(o.Key)}</Key>${o.VersionId ? `<VersionId>${xmlEscape(o.VersionId)}</VersionId>` : ''}<Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
    .join('');
}

/** The upstream DeleteResult with the denied keys' errors added. */
export function mergeErrors(resultXml: string, errors: string): string {
  const close = resultXml.lastIndexOf('</DeleteResult>');
  if (close !== -1) return resultXml.slice(0, close) + errors + resultXml.slice(close);
  const empty = /<DeleteResult([^>]*)\/>/.exec(resultXml);
  if (empty) return resultXml.replace(empty[0], `<DeleteResult${empty[1]}>${errors}</DeleteResult>`);
  return deleteResult(errors);
}

/** A whole DeleteResult, for a request whose every key is denied (nothing is forwarded). */
export function deleteResult(errors: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors}</DeleteResult>`;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const uint32Base64 = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
};

/**
 * The headers for a rewritten body: length and every integrity header the
 * client sent, recomputed (a CRC64NVME checksum, which the proxy cannot
 * compute, is dropped).
 */
export function rewrittenBodyHeaders(headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = { ...headers, 'content-length': String(body.length) };
  delete out['transfer-encoding'];
  if (out['content-md5'] !== undefined) out['content-md5'] = createHash('md5').update(body).digest('base64');
  if (out['x-amz-checksum-crc32'] !== undefined) out['x-amz-checksum-crc32'] = uint32Base64(crc32(body));
  if (out['x-amz-checksum-crc32c'] !== undefined) out['x-amz-checksum-crc32c'] = uint32Base64(crc32c(body));
  if (out['x-amz-checksum-sha1'] !== undefined) out['x-amz-checksum-sha1'] = createHash('sha1').update(body).digest('base64');
  if (out['x-amz-checksum-sha256'] !== undefined) out['x-amz-checksum-sha256'] = createHash('sha256').update(body).digest('base64');
  if (out['x-amz-checksum-crc64nvme'] !== undefined) {
    delete out['x-amz-checksum-crc64nvme'];
    delete out['x-amz-sdk-checksum-algorithm'];
  }
  return out;
}
