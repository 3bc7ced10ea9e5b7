/**
 * The deployment's vaults. A deployment owns one or more vault *buckets*:
 * the primary (the stack's own, named by `HAVEN_VAULT_URI` and
 * `HAVEN_KMS_KEY_ID`) and any others listed in `HAVEN_VAULT_BUCKETS`. A
 * *vault* is a key prefix in one of them: the bucket's default prefix, or a
 * job destination's `path`. The registry turns a job's destination into a
 * vault location ({@link VaultRegistry.resolve}) and a vault URI recorded on
 * a backup back into one ({@link VaultRegistry.locate}).
 */
import { pathToFileURL } from 'node:url';
import { HavenEnv } from '../env.js';
import { parseStoreUri } from '../../vault/storage/open-store.js';
import { isValidKey } from '../../vault/storage/object-key.js';
import { isPackStorageClass, PACK_STORAGE_CLASSES, type PackStorageClass } from '../../vault/storage/storage-class.js';
import { InvalidDestinationError, InvalidVaultSettingsError, UnknownVaultError } from './errors.js';

export { PACK_STORAGE_CLASSES, type PackStorageClass };

/** S3 Object Lock modes a vault bucket may have. */
export type VaultObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/** One of the deployment's vault buckets. */
export interface VaultBucket {
  /** The S3 bucket name (for an offline vault, its directory's `file:` URL). */
  readonly bucket: string;
  /** The bucket's region (`''` when unknown, offline). */
  readonly region: string;
  /** The prefix of the bucket's default vault: `''` or ending in `/` (e.g. `vault/`). */
  readonly defaultPrefix: string;
  /** The KMS key (ARN) that wraps the keys of every vault in this bucket (`''` offline, with a key file). */
  readonly kmsKeyId: string;
  /** Whether this is the stack's own vault bucket. */
  readonly primary: boolean;
  /** The bucket's S3 Object Lock mode, when it has Object Lock. */
  readonly objectLockMode?: VaultObjectLockMode;
  /** The default storage class of packs written to this bucket. */
  readonly storageClass?: PackStorageClass;
}

/** A vault: a prefix in one of the buckets. */
export interface VaultLocation {
  /** `s3://<bucket>/<prefix>/` (or `file:///…/` offline): the vault's canonical URI, what backups record. */
  readonly uri: string;
  /** The vault's key prefix in the bucket: `''` or ending in `/`. */
  readonly prefix: string;
  /** The bucket it lives in. */
  readonly bucket: VaultBucket;
  /** The storage class packs written here take (the job destination's, else the bucket's); none: STANDARD. */
  readonly storageClass?: PackStorageClass;
}

/** A job's destination, as far as the registry reads it. */
export interface VaultDestination {
  readonly bucket?: string;
  readonly path?: string;
  readonly region?: string;
  /** The class of the packs the job's backups write (checked by the API; anything else is ignored here). */
  readonly storage_class?: string;
}

/** The longest `destination.path` accepted. */
export const MAX_VAULT_PATH_LENGTH = 512;

/** The top-level names of a vault's layout (docs/FORMAT.md §1): no other vault may live under them. */
const VAULT_LAYOUT_NAMES: ReadonlySet<string> = new Set(['config', 'keys', 'data', 'index', 'snapshots', 'staging']);

/** Characters a path may not hold: IAM wildcards, and what S3 keys and URIs handle badly (control characters are checked apart). */
const PATH_FORBIDDEN = /[*?#\\]/;

/** Whether a string holds a control character. */
function hasControlCharacter(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/** One entry of `HAVEN_VAULT_BUCKETS`, as infra writes it. */
interface VaultBucketSetting {
  bucket: string;
  region: string;
  default_prefix: string;
  kms_key_arn: string;
  storage_class?: string;
  object_lock_mode?: string;
}

/** The deployment's vault buckets, with the lookups jobs and backups need. */
export class VaultRegistry {
  private readonly all: readonly VaultBucket[];

  /**
   * @param buckets - the buckets, the primary first
   * @throws InvalidVaultSettingsError when there is not exactly one primary or a bucket is listed twice
   */
  constructor(buckets: readonly VaultBucket[]) {
    if (buckets.filter((b) => b.primary).length !== 1) throw new InvalidVaultSettingsError('a deployment has exactly one primary vault bucket');
    const names = buckets.map((b) => b.bucket);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice !== undefined) throw new InvalidVaultSettingsError(`vault bucket ${twice} is listed twice`);
    this.all = [...buckets].sort((a, b) => Number(b.primary) - Number(a.primary));
  }

  /**
   * The registry of a function's environment: the primary bucket from
   * `HAVEN_VAULT_URI`, `HAVEN_KMS_KEY_ID`, `HAVEN_OBJECT_LOCK_MODE` and
   * `AWS_REGION`; the others from `HAVEN_VAULT_BUCKETS` (a JSON array).
   *
   * @param env - the environment @default process.env
   * @throws InvalidVaultSettingsError when a variable is missing or malformed
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): VaultRegistry {
    const uri = env[HavenEnv.VaultUri];
    if (!uri) throw new InvalidVaultSettingsError(`${HavenEnv.VaultUri} is not set`);
    const mode = env[HavenEnv.ObjectLockMode];
    const primary = primaryVaultBucket(uri, {
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
      kmsKeyId: env[HavenEnv.KmsKeyId] ?? '',
      ...(mode ? { objectLockMode: objectLockMode(mode, HavenEnv.ObjectLockMode) } : {}),
    });
    return new VaultRegistry([primary, ...parseVaultBuckets(env[HavenEnv.VaultBuckets])]);
  }

  /** Every vault bucket of the deployment, the primary first. */
  buckets(): readonly VaultBucket[] {
    return this.all;
  }

  /** The default vault of the primary bucket (the deployment's vault before paths existed). */
  primary(): VaultLocation {
    const bucket = this.all[0]!;
    return locationOf(bucket, bucket.defaultPrefix);
  }

  /**
   * The vault a job's destination selects: `bucket` (default: the primary)
   * must be one of the deployment's buckets, `region` (optional) its
   * region, and `path` (default: the bucket's default vault) a key prefix
   * that does not nest in another vault or hold one.
   *
   * @param destination - the job's destination
   * @param others - URIs of other vaults in use (the jobs' and backups'), which a path may not nest in or hold
   * @throws InvalidDestinationError naming `destination.bucket`, `destination.region` or `destination.path`
   */
  resolve(destination: VaultDestination, others: readonly string[] = []): VaultLocation {
    const bucket = this.bucketNamed(destination.bucket);
    if (destination.region !== undefined && bucket.region !== '' && destination.region !== bucket.region) {
      throw new InvalidDestinationError('destination.region', `bucket ${bucket.bucket} is in ${bucket.region}, not ${destination.region}`);
    }
    const prefix = destination.path === undefined ? bucket.defaultPrefix : normalizeVaultPath(destination.path, bucket.defaultPrefix);
    if (prefix !== bucket.defaultPrefix) {
      const taken = [bucket.defaultPrefix, ...others.flatMap((uri) => this.prefixIn(bucket, uri))].filter((p) => p !== prefix);
      const clash = taken.find((p) => nests(prefix, p));
      if (clash !== undefined) {
        throw new InvalidDestinationError('destination.path', `${JSON.stringify(prefix)} would nest with the vault at ${JSON.stringify(clash)} in bucket ${bucket.bucket}; vaults may not hold one another`);
      }
    }
    const storageClass = isPackStorageClass(destination.storage_class) ? destination.storage_class : bucket.storageClass;
    return locationOf(bucket, prefix, storageClass);
  }

  /**
   * The location of a vault URI recorded on a backup.
   *
   * @param uri - `s3://bucket/prefix[/]` or `file:///…`
   * @throws UnknownVaultError when the URI is malformed or its bucket is not one of the deployment's
   */
  locate(uri: string): VaultLocation {
    for (const bucket of this.all) {
      const prefix = prefixOf(bucket, uri);
      if (prefix !== undefined) return locationOf(bucket, prefix);
    }
    throw new UnknownVaultError(uri, `not in one of the deployment's vault buckets (${this.all.map((b) => b.bucket).join(', ')})`);
  }

  /**
   * The location of a backup's vault: the one it recorded, or the primary
   * for a record from before vaults were recorded.
   *
   * @param vaultUri - the backup's `vault_uri`, if any
   */
  vaultOf(vaultUri: string | null | undefined): VaultLocation {
    return vaultUri ? this.locate(vaultUri) : this.primary();
  }

  private bucketNamed(name: string | undefined): VaultBucket {
    if (name === undefined) return this.all[0]!;
    const found = this.all.find((b) => b.bucket === name);
    if (!found) {
      throw new InvalidDestinationError('destination.bucket', `${JSON.stringify(name)} is not one of the deployment's vault buckets: ${this.all.map((b) => b.bucket).join(', ')}`);
    }
    return found;
  }

  private prefixIn(bucket: VaultBucket, uri: string): string[] {
    const prefix = prefixOf(bucket, uri);
    return prefix === undefined ? [] : [prefix];
  }
}

/**
 * Normalizes a destination path: no leading `/`, one trailing `/`; refuses
 * `.` and `..` and empty segments, wildcards and control characters, more
 * than {@link MAX_VAULT_PATH_LENGTH} characters, and (in a bucket whose
 * default vault is at its root) a vault's own folder names as the first
 * segment.
 *
 * @param path - the path as given
 * @param defaultPrefix - the bucket's default vault prefix
 * @returns the prefix (`''` or ending in `/`)
 * @throws InvalidDestinationError naming `destination.path`
 */
export function normalizeVaultPath(path: string, defaultPrefix: string): string {
  const fail = (issue: string): never => {
    throw new InvalidDestinationError('destination.path', issue);
  };
  if (path.length > MAX_VAULT_PATH_LENGTH) fail(`at most ${MAX_VAULT_PATH_LENGTH} characters`);
  if (PATH_FORBIDDEN.test(path) || hasControlCharacter(path)) fail('no wildcards (* ?), #, backslashes or control characters');
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return defaultPrefix;
  if (!isValidKey(trimmed)) fail('a key prefix of non-empty segments, never "." or ".."');
  if (defaultPrefix === '' && VAULT_LAYOUT_NAMES.has(trimmed.split('/')[0]!)) {
    fail(`"${trimmed.split('/')[0]}" is a folder of the bucket's default vault`);
  }
  return `${trimmed}/`;
}

/** Whether two distinct prefixes would nest (one holds the other); `''` holds everything. */
function nests(a: string, b: string): boolean {
  if (a === '' || b === '') return false; // a root vault's folders are guarded by normalizeVaultPath
  return a.startsWith(b) || b.startsWith(a);
}

function locationOf(bucket: VaultBucket, prefix: string, storageClass = bucket.storageClass): VaultLocation {
  return { uri: `${rootOf(bucket)}/${prefix}`, prefix, bucket, ...(storageClass ? { storageClass } : {}) };
}

/** The URI of a bucket's root, without a trailing slash. */
function rootOf(bucket: VaultBucket): string {
  return bucket.bucket.startsWith('file:') ? bucket.bucket : `s3://${bucket.bucket}`;
}

/** The prefix a URI names in a bucket (normalized), or undefined when it is not in it. */
function prefixOf(bucket: VaultBucket, uri: string): string | undefined {
  const root = `${rootOf(bucket)}/`;
  const withSlash = uri.endsWith('/') ? uri : `${uri}/`;
  if (!withSlash.startsWith(root)) return undefined;
  const rest = withSlash.slice(root.length);
  if (rest === '') return '';
  return isValidKey(rest.slice(0, -1)) ? rest : undefined;
}

/**
 * The primary bucket of a vault URI (`HAVEN_VAULT_URI`): an S3 location's
 * bucket with its prefix as the default vault, or an offline directory.
 *
 * @param uri - the primary vault's URI
 * @param settings - the bucket's region, key and Object Lock mode
 * @throws InvalidVaultSettingsError when the URI is malformed
 */
export function primaryVaultBucket(uri: string, settings: Pick<VaultBucket, 'region' | 'kmsKeyId' | 'objectLockMode'>): VaultBucket {
  let location;
  try {
    location = parseStoreUri(uri);
  } catch (error) {
    throw new InvalidVaultSettingsError(`${HavenEnv.VaultUri} is malformed: ${(error as Error).message}`);
  }
  if (location.kind === 'file') {
    return { bucket: pathToFileURL(location.path).href.replace(/\/+$/, ''), defaultPrefix: '', primary: true, ...settings };
  }
  return { bucket: location.bucket, defaultPrefix: location.prefix === '' ? '' : `${location.prefix}/`, primary: true, ...settings };
}

function objectLockMode(value: unknown, where: string): VaultObjectLockMode {
  if (value !== 'GOVERNANCE' && value !== 'COMPLIANCE') throw new InvalidVaultSettingsError(`${where} must be GOVERNANCE or COMPLIANCE, not ${JSON.stringify(value)}`);
  return value;
}

/**
 * Parses `HAVEN_VAULT_BUCKETS`: the deployment's additional vault buckets.
 *
 * @param raw - the variable's value (unset or empty: none)
 * @throws InvalidVaultSettingsError when it is not a JSON array of well-formed entries
 */
export function parseVaultBuckets(raw: string | undefined): VaultBucket[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidVaultSettingsError(`${HavenEnv.VaultBuckets} is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new InvalidVaultSettingsError(`${HavenEnv.VaultBuckets} must be a JSON array`);
  return parsed.map((entry: unknown, i) => vaultBucketOf(entry, `${HavenEnv.VaultBuckets}[${i}]`));
}

function vaultBucketOf(entry: unknown, where: string): VaultBucket {
  const setting = entry as Partial<VaultBucketSetting> | null;
  const text = (key: keyof VaultBucketSetting, allowEmpty = false): string => {
    const value = setting?.[key];
    if (typeof value !== 'string' || (!allowEmpty && value === '')) throw new InvalidVaultSettingsError(`${where}.${key} must be a${allowEmpty ? '' : ' non-empty'} string`);
    return value;
  };
  const bucket = text('bucket');
  const prefix = text('default_prefix', true).replace(/^\/+/, '').replace(/\/+$/, '');
  if (prefix !== '' && !isValidKey(prefix)) throw new InvalidVaultSettingsError(`${where}.default_prefix is not a key prefix`);
  const storageClass = setting?.storage_class;
  if (storageClass !== undefined && !isPackStorageClass(storageClass)) {
    throw new InvalidVaultSettingsError(`${where}.storage_class must be one of ${PACK_STORAGE_CLASSES.join(', ')}`);
  }
  return {
    bucket,
    region: text('region'),
    defaultPrefix: prefix === '' ? '' : `${prefix}/`,
    kmsKeyId: text('kms_key_arn'),
    primary: false,
    ...(setting?.object_lock_mode !== undefined ? { objectLockMode: objectLockMode(setting.object_lock_mode, `${where}.object_lock_mode`) } : {}),
    ...(storageClass !== undefined ? { storageClass } : {}),
  };
}
