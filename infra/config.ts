/**
 * Reads Haven's deployment settings from CDK context (`cdk.json`,
 * `cdk.context.json` or `cdk synth -c key=value`).
 */
import type { Node } from 'constructs';
import { InvalidContextError } from './errors.js';
import { databaseAccessIdsProblem, type DatabaseAccessIds } from './constructs/database-access.js';
import { ObjectLockMode, type ObjectLockSettings } from './constructs/vault-bucket.js';
import { SourceKind, sourceArnsProblem } from './source-arns.js';
import type { ExtraVaultBucket } from './constructs/vault-buckets.js';
import { isPackStorageClass, PACK_STORAGE_CLASSES } from '../vault/storage/storage-class.js';

/** The context keys Haven reads (infra/README.md documents each). */
export const HavenContextKey = {
  ObjectLockMode: 'haven:objectLockMode',
  ObjectLockDays: 'haven:objectLockDays',
  SourceTableArns: 'haven:sourceTableArns',
  SourceBucketArns: 'haven:sourceBucketArns',
  RestoreTableArns: 'haven:restoreTableArns',
  RestoreBucketArns: 'haven:restoreBucketArns',
  SourceKmsKeyArns: 'haven:sourceKmsKeyArns',
  RestoreKmsKeyArns: 'haven:restoreKmsKeyArns',
  PostgresSecretArns: 'haven:postgresSecretArns',
  PostgresVpcId: 'haven:postgresVpcId',
  PostgresSubnetIds: 'haven:postgresSubnetIds',
  PostgresSecurityGroupIds: 'haven:postgresSecurityGroupIds',
  ApiGatewayCloudWatchRole: 'haven:apiGatewayCloudWatchRole',
  VaultBuckets: 'haven:vaultBuckets',
  CopyVault: 'haven:copyVault',
} as const;
export type HavenContextKey = (typeof HavenContextKey)[keyof typeof HavenContextKey];

/** Settings taken from context. */
export interface HavenContextConfig {
  /** Object Lock default retention; undefined leaves Object Lock off. */
  readonly objectLock?: ObjectLockSettings;
  /** DynamoDB tables backup jobs may read; omitted when none. */
  readonly sourceTableArns?: readonly string[];
  /** S3 buckets backup jobs may read; omitted when none. */
  readonly sourceBucketArns?: readonly string[];
  /** DynamoDB tables restores may write; omitted when none. */
  readonly restoreTableArns?: readonly string[];
  /** S3 buckets restores may write; omitted when none. */
  readonly restoreBucketArns?: readonly string[];
  /** Customer-managed keys of sources (and of PostgreSQL secrets backups read); omitted when none. */
  readonly sourceKmsKeyArns?: readonly string[];
  /** Customer-managed keys of restore targets (and of PostgreSQL secrets restores read); omitted when none. */
  readonly restoreKmsKeyArns?: readonly string[];
  /** PostgreSQL secrets and network by id; omitted when no secret is listed. */
  readonly postgresIds?: DatabaseAccessIds;
  /** Whether the stack sets the account's API Gateway CloudWatch role; omitted when not set (on). */
  readonly apiGatewayCloudWatchRole?: boolean;
  /** The deployment's other vault buckets; omitted when none. */
  readonly vaultBuckets?: readonly ExtraVaultBucket[];
}

/**
 * Reads and validates Haven's context.
 *
 * - `haven:objectLockMode` (GOVERNANCE or COMPLIANCE, any case) and
 *   `haven:objectLockDays` (a whole number >= 1) turn Object Lock on
 *   together; neither leaves it off; one without the other is an error.
 * - `haven:sourceTableArns` and `haven:sourceBucketArns` list the tables and
 *   buckets backup jobs may read, `haven:restoreTableArns` and
 *   `haven:restoreBucketArns` those restores may write,
 *   `haven:sourceKmsKeyArns` and `haven:restoreKmsKeyArns` the
 *   customer-managed keys encrypting them (or their PostgreSQL secrets),
 *   `haven:postgresSecretArns` the PostgreSQL secrets jobs and restores may
 *   name, `haven:postgresSubnetIds` and `haven:postgresSecurityGroupIds` the
 *   network of the database steps: each a JSON array (in cdk.json), or a
 *   string holding a JSON array or comma-separated values (as `-c` passes it).
 * - `haven:postgresVpcId` puts the database steps in that VPC (with
 *   `haven:postgresSubnetIds`); the network keys need `haven:postgresSecretArns`.
 * - `haven:apiGatewayCloudWatchRole` (true or false, default true): whether
 *   the stack sets the account's API Gateway CloudWatch role.
 * - `haven:vaultBuckets`: the deployment's other vault buckets, a JSON array
 *   of `{bucket, region, kmsKeyArn, defaultPrefix?, storageClass?, objectLockMode?}`.
 *
 * @param node - any construct's node (usually the app's)
 * @returns the validated settings
 * @throws InvalidContextError when a value is malformed, only one of the Object Lock pair is set, or the PostgreSQL keys do not fit together
 */
export function readHavenContext(node: Node): HavenContextConfig {
  const lists = {
    sourceTableArns: readArnList(node, HavenContextKey.SourceTableArns, SourceKind.Table),
    sourceBucketArns: readArnList(node, HavenContextKey.SourceBucketArns, SourceKind.Bucket),
    restoreTableArns: readArnList(node, HavenContextKey.RestoreTableArns, SourceKind.Table),
    restoreBucketArns: readArnList(node, HavenContextKey.RestoreBucketArns, SourceKind.Bucket),
    sourceKmsKeyArns: readArnList(node, HavenContextKey.SourceKmsKeyArns, SourceKind.Key),
    restoreKmsKeyArns: readArnList(node, HavenContextKey.RestoreKmsKeyArns, SourceKind.Key),
  };
  const objectLock = readObjectLock(node);
  const postgresIds = readPostgres(node);
  const apiGatewayCloudWatchRole = readBoolean(node, HavenContextKey.ApiGatewayCloudWatchRole);
  const vaultBuckets = readVaultBuckets(node);
  return {
    ...(objectLock ? { objectLock } : {}),
    ...Object.fromEntries(Object.entries(lists).filter(([, arns]) => arns.length > 0)),
    ...(postgresIds ? { postgresIds } : {}),
    ...(apiGatewayCloudWatchRole === undefined ? {} : { apiGatewayCloudWatchRole }),
    ...(vaultBuckets.length > 0 ? { vaultBuckets } : {}),
  };
}

function readVaultBuckets(node: Node): ExtraVaultBucket[] {
  const key = HavenContextKey.VaultBuckets;
  let raw = present(node.tryGetContext(key));
  if (raw === undefined) return [];
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw new InvalidContextError(key, 'must be a JSON array of vault buckets');
    }
  }
  if (!Array.isArray(raw)) throw new InvalidContextError(key, 'must be a JSON array of vault buckets');
  return raw.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const text = (field: string, optional = false): string | undefined => {
      const value = e[field];
      if (value === undefined && optional) return undefined;
      if (typeof value !== 'string' || (!optional && value === '')) throw new InvalidContextError(key, `[${i}].${field} must be a string`);
      return value;
    };
    const storageClass = text('storageClass', true);
    if (storageClass !== undefined && !isPackStorageClass(storageClass)) throw new InvalidContextError(key, `[${i}].storageClass must be one of ${PACK_STORAGE_CLASSES.join(', ')}`);
    const mode = text('objectLockMode', true);
    const defaultPrefix = text('defaultPrefix', true);
    return {
      bucket: text('bucket')!,
      region: text('region')!,
      kmsKeyArn: text('kmsKeyArn')!,
      ...(defaultPrefix !== undefined ? { defaultPrefix } : {}),
      ...(storageClass !== undefined ? { storageClass } : {}),
      ...(mode !== undefined ? { objectLockMode: parseMode(mode) } : {}),
    };
  });
}

/** The context key of each field of {@link DatabaseAccessIds}. */
const POSTGRES_KEYS: Readonly<Record<keyof DatabaseAccessIds, HavenContextKey>> = {
  secretArns: HavenContextKey.PostgresSecretArns,
  vpcId: HavenContextKey.PostgresVpcId,
  subnetIds: HavenContextKey.PostgresSubnetIds,
  securityGroupIds: HavenContextKey.PostgresSecurityGroupIds,
};

function readPostgres(node: Node): DatabaseAccessIds | undefined {
  const secretArns = readArnList(node, HavenContextKey.PostgresSecretArns, SourceKind.Secret);
  const vpcId = present(node.tryGetContext(HavenContextKey.PostgresVpcId));
  const subnetIds = readList(node, HavenContextKey.PostgresSubnetIds);
  const securityGroupIds = readList(node, HavenContextKey.PostgresSecurityGroupIds);
  if (vpcId !== undefined && typeof vpcId !== 'string') throw new InvalidContextError(HavenContextKey.PostgresVpcId, `must be a VPC id, got ${JSON.stringify(vpcId)}`);
  if (secretArns.length === 0) {
    if (vpcId !== undefined || subnetIds.length > 0 || securityGroupIds.length > 0) {
      throw new InvalidContextError(HavenContextKey.PostgresSecretArns, 'required when the PostgreSQL network is set (the database steps reach only listed secrets)');
    }
    return undefined;
  }
  const ids: DatabaseAccessIds = {
    secretArns,
    ...(vpcId !== undefined ? { vpcId: vpcId.trim() } : {}),
    ...(subnetIds.length > 0 ? { subnetIds } : {}),
    ...(securityGroupIds.length > 0 ? { securityGroupIds } : {}),
  };
  const problem = databaseAccessIdsProblem(ids);
  if (problem) throw new InvalidContextError(POSTGRES_KEYS[problem.field], problem.message);
  return ids;
}

function readBoolean(node: Node, key: HavenContextKey): boolean | undefined {
  const raw = present(node.tryGetContext(key));
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidContextError(key, `must be true or false, got ${JSON.stringify(raw)}`);
}

function readObjectLock(node: Node): ObjectLockSettings | undefined {
  const rawMode = present(node.tryGetContext(HavenContextKey.ObjectLockMode));
  const rawDays = present(node.tryGetContext(HavenContextKey.ObjectLockDays));
  if (rawMode === undefined && rawDays === undefined) return undefined;
  if (rawMode === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockMode, `required when ${HavenContextKey.ObjectLockDays} is set`);
  }
  if (rawDays === undefined) {
    throw new InvalidContextError(HavenContextKey.ObjectLockDays, `required when ${HavenContextKey.ObjectLockMode} is set`);
  }
  return { mode: parseMode(rawMode), days: parseDays(rawDays) };
}

function readArnList(node: Node, key: HavenContextKey, kind: SourceKind): string[] {
  const values = readList(node, key);
  const problem = sourceArnsProblem(kind, values);
  if (problem) throw new InvalidContextError(key, problem);
  return values;
}

/** A list from context: a JSON array, or a string holding one or comma-separated values; de-duplicated. */
function readList(node: Node, key: HavenContextKey): string[] {
  const raw = present(node.tryGetContext(key));
  if (raw === undefined) return [];
  let values: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        values = JSON.parse(text);
      } catch {
        throw new InvalidContextError(key, `is not a valid JSON array: ${raw}`);
      }
    } else {
      values = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
    }
  }
  if (!Array.isArray(values)) throw new InvalidContextError(key, `must be a list, got ${JSON.stringify(raw)}`);
  const bad = values.find((value) => typeof value !== 'string');
  if (bad !== undefined) throw new InvalidContextError(key, `must be a list of strings, got ${JSON.stringify(bad)}`);
  return [...new Set(values as string[])];
}

function present(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

function parseMode(raw: unknown): ObjectLockMode {
  const mode = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
  const modes: readonly unknown[] = Object.values(ObjectLockMode);
  if (!modes.includes(mode)) {
    throw new InvalidContextError(HavenContextKey.ObjectLockMode, `must be GOVERNANCE or COMPLIANCE, got ${JSON.stringify(raw)}`);
  }
  return mode as ObjectLockMode;
}

function parseDays(raw: unknown): number {
  const days = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 1) {
    throw new InvalidContextError(HavenContextKey.ObjectLockDays, `must be a whole number of days >= 1, got ${JSON.stringify(raw)}`);
  }
  return days;
}
