/**
 * A job's destination and key, checked against the deployment (422s): the
 * destination selects one of its vaults ({@link VaultRegistry.resolve}:
 * a known bucket, its region, a path that nests in no other vault) and is
 * stored normalized; `encryption.key_id` must name the KMS key of that
 * vault's bucket, looked up with `kms:DescribeKey` when the job is saved.
 */
import { resolveRegion } from '../../../vault/aws/clients.js';
import type { DestinationConfig } from '../../catalog/types.js';
import type { VaultBucket, VaultRegistry } from '../../vaults/registry.js';
import type { ApiDeps } from '../deps.js';
import { isInputFault } from '../error-mapping.js';
import { NOT_A_KEY_REFERENCE, parseKmsKeyReference } from '../kms-key-id.js';
import type { Issues } from './issues.js';

/** A destination as a request gives it (after the schema's defaults). */
export interface DestinationInput {
  type: string;
  bucket?: string;
  path?: string;
  region?: string;
  encryption: string;
  storage_class?: string;
}

/** A destination checked: what to store and the bucket it is in. */
export interface CheckedDestination {
  stored: DestinationConfig;
  bucket: VaultBucket;
}

/** The field every key issue names. */
const KEY_FIELD = 'encryption.key_id';

/**
 * The vaults other jobs write to (their stored destinations), which a new
 * path may not nest in or hold.
 *
 * @param exceptJobId - the job being changed (its own vault may move)
 */
async function vaultsInUse(deps: ApiDeps, registry: VaultRegistry, exceptJobId: string | undefined): Promise<string[]> {
  const uris = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.catalog.listJobs({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const { bucket, path } = job.destination;
      if (job.job_id === exceptJobId || bucket === undefined || path === undefined) continue;
      try {
        uris.add(registry.resolve({ bucket, path }).uri);
      } catch (error) {
        if (!isInputFault(error)) throw error; // a bucket the deployment no longer has holds no vault to nest with
      }
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return [...uris];
}

/**
 * The vault a destination selects, normalized for storing: the bucket, the
 * vault's prefix and the bucket's region; `storage_class` as given, else the
 * bucket's default.
 *
 * @param destination - the destination given (undefined: the primary bucket's default vault)
 * @param exceptJobId - the job being changed, whose own vault is not a clash
 * @returns the destination to store and its bucket, or undefined when it is not valid (the issues say why)
 */
export async function checkDestination(deps: ApiDeps, destination: DestinationInput | undefined, exceptJobId: string | undefined, issues: Issues): Promise<CheckedDestination | undefined> {
  const registry = deps.vaults();
  const given = destination ?? { type: 'vault', encryption: 'AES256' };
  try {
    const others = given.path === undefined ? [] : await vaultsInUse(deps, registry, exceptJobId);
    const location = registry.resolve({ bucket: given.bucket, path: given.path, region: given.region }, others);
    const { bucket } = location;
    const storageClass = given.storage_class ?? bucket.storageClass;
    const stored: DestinationConfig = {
      type: given.type,
      bucket: bucket.bucket,
      path: location.prefix,
      region: bucket.region,
      encryption: given.encryption,
      ...(storageClass ? { storage_class: storageClass } : {}),
    };
    return { stored, bucket };
  } catch (error) {
    if (!isInputFault(error)) throw error;
    issues.addError(error, 'destination');
    return undefined;
  }
}

/**
 * `encryption.key_id` must name the KMS key of the destination's bucket:
 * a value that is no key reference, a key or alias KMS does not know, a key
 * Haven may not describe, another key, or one that is not enabled, is an
 * issue. The value given is never echoed (it could be key material); the
 * issue names the key Haven uses for the bucket instead.
 *
 * @param keyId - the value given
 * @param bucket - the destination's bucket
 * @throws ServiceUnavailableApiError when KMS cannot answer
 */
export async function checkKeyId(deps: ApiDeps, keyId: string, bucket: VaultBucket, issues: Issues): Promise<void> {
  const reference = parseKmsKeyReference(keyId);
  if (!reference) return issues.add(KEY_FIELD, NOT_A_KEY_REFERENCE);
  const region = reference.region ?? (bucket.region || resolveRegion());
  const lookup = await deps.keys.describe(reference.keyId, region);
  const uses = `Haven uses ${bucket.kmsKeyId} for vault bucket ${bucket.bucket}`;
  if (lookup.found) {
    if (!isKey(lookup.arn, bucket.kmsKeyId)) issues.add(KEY_FIELD, `not usable by Haven: it is not the key of the destination's vault bucket; ${uses}`);
    else issues.check(lookup.state === 'Enabled', KEY_FIELD, `not usable by Haven: the key is ${lookup.state}, not Enabled; ${uses}`);
    return;
  }
  switch (lookup.reason) {
    case 'not_found':
      return issues.add(KEY_FIELD, `no such KMS key in ${region}; ${uses}`);
    case 'denied':
      return issues.add(KEY_FIELD, `not usable by Haven: Haven may not use this key; ${uses}`);
    case 'invalid':
      return issues.add(KEY_FIELD, NOT_A_KEY_REFERENCE);
  }
}

/** Whether a described key's ARN is the bucket's key (configured as an ARN, or as the key id). */
function isKey(arn: string, bucketKey: string): boolean {
  return arn === bucketKey || arn.endsWith(`:key/${bucketKey}`);
}
