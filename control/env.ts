/**
 * Every environment variable of Haven's Lambda functions, in one table: the
 * CDK app sets them (infra/), the handlers read them (functions/, and the
 * control/ and vault/ code they call), and the local cloud reads or adds
 * them (local/cloud/). Code names a variable through {@link HavenEnv}, never
 * as a string literal. A variable the vault engine reads itself stays
 * declared beside that code (vault/ imports nothing from control/) and is
 * re-exported here. test/infra/environment.test.ts holds the synthesized
 * template to this table.
 */
import { WORKERS_ENV } from '../vault/pack/blob-workers.js';

/** The variables, by role. */
export const HavenEnv = {
  /** The catalog's DynamoDB table name. Set on every function. */
  CatalogTable: 'HAVEN_CATALOG_TABLE',
  /** Where the vault is: `s3://<bucket>/<prefix>` (or `file:///…` offline). Set on the workflow functions and the API. */
  VaultUri: 'HAVEN_VAULT_URI',
  /** The KMS key (id, ARN or alias) wrapping the vault's keys. Set on the workflow functions and the API. */
  KmsKeyId: 'HAVEN_KMS_KEY_ID',
  /**
   * The deployment's additional vault buckets, a JSON array of `{bucket,
   * region, default_prefix, kms_key_arn, storage_class?, object_lock_mode?}`
   * (control/vaults/registry.ts); the primary is HAVEN_VAULT_URI's. Set on the
   * workflow functions and the API when the deployment has more buckets.
   */
  VaultBuckets: 'HAVEN_VAULT_BUCKETS',
  /** A key file wrapping the vault's keys instead of KMS (offline runs). Never deployed. */
  KeyFile: 'HAVEN_KEY_FILE',
  /** `off` stops outcome events (metrics are still written). Never deployed: events are on. */
  Events: 'HAVEN_EVENTS',
  /** The SNS topic outcome notifications go to. Set on the functions that publish outcome events. */
  NotificationTopicArn: 'HAVEN_NOTIFICATION_TOPIC_ARN',
  /** The vault bucket's S3 Object Lock mode (`GOVERNANCE` or `COMPLIANCE`). Set when the bucket has Object Lock. */
  ObjectLockMode: 'HAVEN_OBJECT_LOCK_MODE',
  /** The bucket test restores write S3 scratch prefixes to. Set on the verify functions. */
  ScratchBucket: 'HAVEN_SCRATCH_BUCKET',
  /** The backup state machine: the API starts and stops its executions, and job schedules start it. Set on the API. */
  BackupStateMachineArn: 'HAVEN_BACKUP_STATE_MACHINE_ARN',
  /** The restore state machine the API starts and stops. Set on the API. */
  RestoreStateMachineArn: 'HAVEN_RESTORE_STATE_MACHINE_ARN',
  /** The verify state machine the API starts. Set on the API. */
  VerifyStateMachineArn: 'HAVEN_VERIFY_STATE_MACHINE_ARN',
  /** The copy state machine the backup workflow's Start copies step starts. Set on that step's function. */
  CopyStateMachineArn: 'HAVEN_COPY_STATE_MACHINE_ARN',
  /** The EventBridge Scheduler group job schedules live in. Set on the API. */
  ScheduleGroup: 'HAVEN_SCHEDULE_GROUP',
  /** The role job schedules run as. Set on the API. */
  ScheduleRoleArn: 'HAVEN_SCHEDULE_ROLE_ARN',
  /** The deployed Haven version the API reports. Set on the API. */
  Version: 'HAVEN_VERSION',
  /** `off` stops enforcing the API's per-caller route limits (local cloud tests). Never deployed: the limits hold. */
  ApiRateLimits: 'HAVEN_API_RATE_LIMITS',
  /** How many blob worker threads the vault engine runs; `0` runs none. Never deployed: one per core. */
  Workers: WORKERS_ENV,
  /**
   * The function host running a function the local cloud provisioned into
   * the emulator: the local cloud sets it on the emulator's copy of each
   * function, the emulator's launcher reads it, and the function never sees it.
   */
  LocalFunctionHost: 'HAVEN_LOCAL_FUNCTION_HOST',
  /** Milliseconds a backup's snapshot holder may hold at most, below its function's time (tests of a holder that ends early). Never deployed. */
  SnapshotHolderBudgetMs: 'HAVEN_SNAPSHOT_HOLDER_BUDGET_MS',
} as const;

/** A variable's name. */
export type HavenEnvName = (typeof HavenEnv)[keyof typeof HavenEnv];

/**
 * The variables a deployment never sets on a function, each with what sets
 * it instead. Every other variable a handler reads, the CDK app sets.
 */
export const UNDEPLOYED_ENV: Readonly<Partial<Record<HavenEnvName, string>>> = {
  [HavenEnv.KeyFile]: 'offline runs, which wrap the vault keys with a key file instead of KMS',
  [HavenEnv.Events]: 'runs that want no outcome events; deployed functions publish them',
  [HavenEnv.ApiRateLimits]: 'the local cloud\'s API tests, which create more jobs an hour than one caller may',
  [HavenEnv.Workers]: 'benches and tests; deployed functions run one blob worker per core',
  [HavenEnv.LocalFunctionHost]: 'the local cloud, on the emulator\'s copy of each function',
  [HavenEnv.SnapshotHolderBudgetMs]: 'tests of a snapshot holder that ends early; deployed holders hold for their function\'s time',
};
