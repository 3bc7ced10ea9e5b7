/** Environment settings of Haven's functions (set by CDK, or by the local stack). */
import { ErrorCode, HavenError } from '../../vault/errors.js';

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
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new MissingSettingError(`${name} is not set`);
  return value;
}

/** Reads the settings; throws MissingSettingError naming the first missing one. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): FunctionSettings {
  const kmsKeyId = env.HAVEN_KMS_KEY_ID;
  const keyFile = env.HAVEN_KEY_FILE;
  if (!kmsKeyId && !keyFile) throw new MissingSettingError('HAVEN_KMS_KEY_ID (or HAVEN_KEY_FILE) is not set');
  return {
    catalogTable: required(env, 'HAVEN_CATALOG_TABLE'),
    vaultUri: required(env, 'HAVEN_VAULT_URI'),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(keyFile ? { keyFile } : {}),
    events: env.HAVEN_EVENTS === 'off' ? 'off' : 'on',
    ...(env.HAVEN_NOTIFICATION_TOPIC_ARN ? { notificationTopicArn: env.HAVEN_NOTIFICATION_TOPIC_ARN } : {}),
    ...objectLockMode(env.HAVEN_OBJECT_LOCK_MODE),
    ...(env.HAVEN_SCRATCH_BUCKET ? { scratchBucket: env.HAVEN_SCRATCH_BUCKET } : {}),
  };
}

function objectLockMode(value: string | undefined): Pick<FunctionSettings, 'objectLockMode'> {
  if (!value) return {};
  if (value !== 'GOVERNANCE' && value !== 'COMPLIANCE') throw new MissingSettingError(`HAVEN_OBJECT_LOCK_MODE must be GOVERNANCE or COMPLIANCE, not ${value}`);
  return { objectLockMode: value };
}
