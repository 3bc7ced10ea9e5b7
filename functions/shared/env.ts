/** Environment settings of Haven's functions (set by CDK, or by the local stack). */
import { HavenEnv } from '../../control/env.js';
import { ErrorCode, HavenError } from '../../vault/errors.js';
import { parseVaultBuckets, type VaultBucket } from '../../control/vaults/registry.js';

/** A required setting is missing. */
export class MissingSettingError extends HavenError {
  override readonly name = 'MissingSettingError';
  override readonly code = ErrorCode.InvalidInput;
}

/** What the workflow functions read from the environment. */
export interface FunctionSettings {
  catalogTable: string;
  /** `s3://bucket/prefix` (or `file:///…` locally). */
  vaultUri: string;
  /** KMS key id, ARN or alias wrapping vault keys; or a key file for offline runs. */
  kmsKeyId?: string;
  keyFile?: string;
  /** `off` disables outcome events. */
  events: 'on' | 'off';
  /** The SNS topic notifications go to (`HAVEN_NOTIFICATION_TOPIC_ARN`); none: no SNS messages. */
  notificationTopicArn?: string;
  /** S3 Object Lock mode of the vault bucket (`HAVEN_OBJECT_LOCK_MODE`), when the deployment turned it on. */
  objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /** The bucket test restores write S3 scratch prefixes to (`HAVEN_SCRATCH_BUCKET`, verify functions only). */
  scratchBucket?: string;
  /** The deployment's vault buckets besides the primary (`HAVEN_VAULT_BUCKETS`). */
  vaultBuckets?: VaultBucket[];
  /** The primary vault bucket's region (`AWS_REGION`); unknown: the clients' default. */
  region?: string;
}

/**
 * A variable that must be set.
 *
 * @param env - the environment
 * @param name - the variable
 * @returns its value
 * @throws MissingSettingError when it is unset or empty
 */
export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new MissingSettingError(`${name} is not set`);
  return value;
}

/** Reads the settings; throws MissingSettingError naming the first missing one. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): FunctionSettings {
  const kmsKeyId = env[HavenEnv.KmsKeyId];
  const keyFile = env[HavenEnv.KeyFile];
  if (!kmsKeyId && !keyFile) throw new MissingSettingError(`${HavenEnv.KmsKeyId} (or ${HavenEnv.KeyFile}) is not set`);
  const notificationTopicArn = env[HavenEnv.NotificationTopicArn];
  const scratchBucket = env[HavenEnv.ScratchBucket];
  const vaultBuckets = parseVaultBuckets(env[HavenEnv.VaultBuckets]);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    catalogTable: required(env, HavenEnv.CatalogTable),
    vaultUri: required(env, HavenEnv.VaultUri),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(keyFile ? { keyFile } : {}),
    events: env[HavenEnv.Events] === 'off' ? 'off' : 'on',
    ...(notificationTopicArn ? { notificationTopicArn } : {}),
    ...objectLockMode(env[HavenEnv.ObjectLockMode]),
    ...(scratchBucket ? { scratchBucket } : {}),
    ...(vaultBuckets.length > 0 ? { vaultBuckets } : {}),
    ...(region ? { region } : {}),
  };
}

function objectLockMode(value: string | undefined): Pick<FunctionSettings, 'objectLockMode'> {
  if (!value) return {};
  if (value !== 'GOVERNANCE' && value !== 'COMPLIANCE') throw new MissingSettingError(`${HavenEnv.ObjectLockMode} must be GOVERNANCE or COMPLIANCE, not ${value}`);
  return { objectLockMode: value };
}
