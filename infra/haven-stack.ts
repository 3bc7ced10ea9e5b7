/**
 * The Haven stack: one construct per concern (key, vault, catalog, backup and
 * restore workflows, scheduler, functions, API), wired together with
 * least-privilege grants.
 */
import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES } from '../control/api/routes.js';
import { HavenApi, type HavenApiAuthorization, type RouteThrottle } from './constructs/api.js';
import { ApiFunction } from './constructs/api-function.js';
import { databaseAccessFromIds, type DatabaseAccess, type DatabaseAccessIds } from './constructs/database-access.js';
import { BackupFunctions, type BackupSubstitutionKey } from './constructs/backup-functions.js';
import { CatalogTable } from './constructs/catalog-table.js';
import type { HavenLogLevel } from './constructs/haven-function.js';
import { HavenMonitoring, type JobSchedule } from './constructs/monitoring.js';
import { HavenNotifications } from './constructs/notifications.js';
import { RestoreFunctions, type RestoreSubstitutionKey } from './constructs/restore-functions.js';
import { PruneFunctions, type PruneSubstitutionKey } from './constructs/prune-functions.js';
import { CopyFunctions, type CopySubstitutionKey } from './constructs/copy-functions.js';
import { HavenScheduler } from './constructs/scheduler.js';
import type { SystemSchedule } from './constructs/system-schedule.js';
import { VaultBucket, type ObjectLockSettings } from './constructs/vault-bucket.js';
import { VaultKey } from './constructs/vault-key.js';
import { VerifyFunctions, type VerifySubstitutionKey } from './constructs/verify-functions.js';
import { WorkflowStateMachine } from './constructs/workflow-state-machine.js';
import { InvalidPropsError } from './errors.js';
import { havenNames, type HavenNames } from './names.js';
import { BACKUP_DEFINITION_FILE, COPY_DEFINITION_FILE, PRUNE_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE } from './paths.js';
import type { ExtraVaultBucket } from './constructs/vault-buckets.js';

/** When a system schedule runs. */
export interface SystemScheduleTiming {
  /** `cron(...)` or `rate(...)` (EventBridge Scheduler syntax). */
  readonly expression: string;
  /** IANA time zone. */
  readonly timezone: string;
}

/** The daily retention and prune run unless told otherwise: 03:00 UTC. */
export const DEFAULT_RETENTION_SCHEDULE: SystemScheduleTiming = { expression: 'cron(0 3 * * ? *)', timezone: 'UTC' };
/** The weekly verification sweep unless told otherwise: Sundays 05:00 UTC. */
export const DEFAULT_VERIFICATION_SWEEP_SCHEDULE: SystemScheduleTiming = { expression: 'cron(0 5 ? * SUN *)', timezone: 'UTC' };

/** Props of {@link HavenStack}. */
export interface HavenStackProps extends StackProps {
  /** Object Lock default retention on the vault bucket; off when omitted. */
  readonly objectLock?: ObjectLockSettings;
  /** The deployment's other vault buckets (made elsewhere), which jobs may name as `destination.bucket`. @default none */
  readonly vaultBuckets?: readonly ExtraVaultBucket[];
  /** The vault key's alias. @default `alias/<stack name>-vault` (lower case; see infra/names.ts) */
  readonly vaultKeyAlias?: string;
  /** The catalog key's alias. @default `alias/<stack name>-catalog` */
  readonly catalogKeyAlias?: string;
  /** The EventBridge Scheduler group of job and system schedules. @default the stack name in lower case */
  readonly scheduleGroupName?: string;
  /** Retention of every log group in the stack. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Log level of every function. @default INFO */
  readonly logLevel?: HavenLogLevel;
  /**
   * DynamoDB tables backup jobs may read, as exact table ARNs (context
   * `haven:sourceTableArns`). Plan may DescribeTable/DescribeTimeToLive them;
   * export-partition may Scan them and their indexes. @default none
   */
  readonly sourceTableArns?: readonly string[];
  /**
   * S3 buckets backup jobs may read, as exact bucket ARNs (context
   * `haven:sourceBucketArns`). Plan may list them; export-partition may get
   * their objects. @default none
   */
  readonly sourceBucketArns?: readonly string[];
  /**
   * DynamoDB tables restores may write, as exact table ARNs (context
   * `haven:restoreTableArns`). Plan may describe, create (and enable TTL on)
   * and scan them; safety-backup may describe and scan them; restore-partition
   * may describe them and write items. @default none
   */
  readonly restoreTableArns?: readonly string[];
  /**
   * S3 buckets restores may write, as exact bucket ARNs (context
   * `haven:restoreBucketArns`). Plan may list them; safety-backup may list and
   * get; restore-partition may list, get, put and abort uploads. @default none
   */
  readonly restoreBucketArns?: readonly string[];
  /**
   * Customer-managed KMS keys encrypting sources (SSE-KMS buckets, tables
   * under a CMK) or the PostgreSQL secrets backups read, as exact key ARNs
   * (context `haven:sourceKmsKeyArns`): the steps that read them may
   * `kms:Decrypt` through DynamoDB, S3 and Secrets Manager. @default none
   */
  readonly sourceKmsKeyArns?: readonly string[];
  /**
   * Customer-managed KMS keys encrypting restore targets or the PostgreSQL
   * secrets restores read (context `haven:restoreKmsKeyArns`): the steps
   * that read targets may `kms:Decrypt`, the one that writes them
   * `kms:GenerateDataKey` too, through those services. @default none
   */
  readonly restoreKmsKeyArns?: readonly string[];
  /** When the daily retention and prune run starts. @default {@link DEFAULT_RETENTION_SCHEDULE} */
  readonly retentionSchedule?: SystemScheduleTiming;
  /** When the weekly verification sweep starts. @default {@link DEFAULT_VERIFICATION_SWEEP_SCHEDULE} */
  readonly verificationSweepSchedule?: SystemScheduleTiming;
  /** The sweep's level (`quick`, `sample` or `checksum`). @default `checksum` */
  readonly verificationSweepLevel?: 'quick' | 'sample' | 'checksum';
  /** E-mail addresses subscribed to the notification topic. @default none */
  readonly notificationEmails?: readonly string[];
  /** HTTPS endpoints subscribed to the notification topic. @default none */
  readonly notificationHttpsEndpoints?: readonly string[];
  /** The longest schedule interval of any job (the missed-backup alarm waits 1.5x it). @default one day */
  readonly expectedBackupInterval?: Duration;
  /** Jobs with their own missed-backup alarm. @default none */
  readonly monitoredJobSchedules?: readonly JobSchedule[];
  /**
   * PostgreSQL databases backups and restores may reach: the secrets jobs name, and the VPC
   * (subnets, security groups) the database steps run in (docs/POSTGRES.md). @default none
   */
  readonly postgres?: DatabaseAccess;
  /**
   * The same by ARN and ids, as context gives it (`haven:postgres*`); the
   * stack imports the VPC, subnets and groups. Not with `postgres`. @default none
   */
  readonly postgresIds?: DatabaseAccessIds;
  /**
   * Set the account's API Gateway CloudWatch role, which the stage's access
   * logging needs (context `haven:apiGatewayCloudWatchRole`); turn off when
   * the account has one already. @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /** How API callers authenticate. @default IAM (SigV4) */
  readonly apiAuthorization?: HavenApiAuthorization;
  /** Per-route API throttles by `"METHOD /path"`, for all callers together (the seed's per-caller hourly limits are enforced by the API function). @default none */
  readonly apiRouteThrottling?: Readonly<Record<string, RouteThrottle>>;
}

/** Haven's resources in one stack. */
export class HavenStack extends Stack {
  /** The account-wide names the stack claims (key aliases, schedule group). */
  readonly names: HavenNames;
  readonly vaultKey: VaultKey;
  readonly vault: VaultBucket;
  readonly catalog: CatalogTable;
  readonly backupFunctions: BackupFunctions;
  readonly backupWorkflow: WorkflowStateMachine<BackupSubstitutionKey>;
  readonly restoreFunctions: RestoreFunctions;
  readonly restoreWorkflow: WorkflowStateMachine<RestoreSubstitutionKey>;
  readonly verifyFunctions: VerifyFunctions;
  readonly verifyWorkflow: WorkflowStateMachine<VerifySubstitutionKey>;
  readonly pruneFunctions: PruneFunctions;
  /** Copies of completed backups into the jobs' copy vaults (the backup workflow starts it). */
  readonly copyFunctions: CopyFunctions;
  readonly copyWorkflow: WorkflowStateMachine<CopySubstitutionKey>;
  /** Retention and prune (the daily system schedule starts it). */
  readonly pruneWorkflow: WorkflowStateMachine<PruneSubstitutionKey>;
  readonly scheduler: HavenScheduler;
  /** Starts the prune workflow (retention, then prune) daily. */
  readonly retentionSchedule: SystemSchedule;
  /** Starts the verify workflow's sweep weekly. */
  readonly verificationSweepSchedule: SystemSchedule;
  readonly apiFunction: ApiFunction;
  readonly api: HavenApi;
  readonly notifications: HavenNotifications;
  readonly monitoring: HavenMonitoring;

  /**
   * @param scope - the app
   * @param id - the stack id
   * @param props - stack props plus Haven's settings
   * @throws InvalidPropsError when settings conflict or a name or ARN is unusable
   */
  constructor(scope: Construct, id: string, props: HavenStackProps = {}) {
    super(scope, id, { description: 'Haven: serverless, deduplicating, encrypted backups', ...props });
    const logRetention = props.logRetention;
    this.names = havenNames(this.stackName, { vaultKeyAlias: props.vaultKeyAlias, catalogKeyAlias: props.catalogKeyAlias, scheduleGroupName: props.scheduleGroupName });
    if (props.postgres && props.postgresIds) throw new InvalidPropsError('give PostgreSQL access as postgres or as postgresIds, not both');
    const postgres = props.postgres ?? (props.postgresIds ? databaseAccessFromIds(this, 'PostgresNetwork', props.postgresIds) : undefined);

    this.vaultKey = new VaultKey(this, 'VaultKey', { alias: this.names.vaultKeyAlias });
    this.vault = new VaultBucket(this, 'Vault', {
      encryptionKey: this.vaultKey.key,
      objectLock: props.objectLock,
    });
    this.catalog = new CatalogTable(this, 'Catalog', { keyAlias: this.names.catalogKeyAlias });
    // Every workflow's Distributed Maps read their item lists from the vault's staging area.
    const itemLists = { vault: this.vault, vaultKey: this.vaultKey, vaultBuckets: props.vaultBuckets };
    // What every workflow's functions are built on (the backup, restore and prune tables add their own settings).
    const resources = { vault: this.vault, vaultKey: this.vaultKey, vaultBuckets: props.vaultBuckets, catalog: this.catalog, logLevel: props.logLevel, logRetention };
    this.copyFunctions = new CopyFunctions(this, 'Copy', resources);
    this.copyWorkflow = new WorkflowStateMachine(this, 'CopyWorkflow', {
      definitionFile: COPY_DEFINITION_FILE,
      functions: this.copyFunctions.bySubstitution(),
      logRetention,
    });
    this.backupFunctions = new BackupFunctions(this, 'Backup', {
      vault: this.vault,
      vaultKey: this.vaultKey,
      vaultBuckets: props.vaultBuckets,
      catalog: this.catalog,
      sourceTableArns: props.sourceTableArns,
      sourceBucketArns: props.sourceBucketArns,
      sourceKmsKeyArns: props.sourceKmsKeyArns,
      database: postgres,
      logLevel: props.logLevel,
      copyStateMachine: this.copyWorkflow.stateMachine,
      logRetention,
    });
    this.backupWorkflow = new WorkflowStateMachine(this, 'BackupWorkflow', {
      definitionFile: BACKUP_DEFINITION_FILE,
      functions: this.backupFunctions.bySubstitution(),
      itemLists,
      logRetention,
    });
    this.restoreFunctions = new RestoreFunctions(this, 'Restore', {
      vault: this.vault,
      vaultKey: this.vaultKey,
      vaultBuckets: props.vaultBuckets,
      catalog: this.catalog,
      restoreTableArns: props.restoreTableArns,
      restoreBucketArns: props.restoreBucketArns,
      restoreKmsKeyArns: props.restoreKmsKeyArns,
      database: postgres,
      logLevel: props.logLevel,
      logRetention,
    });
    this.restoreWorkflow = new WorkflowStateMachine(this, 'RestoreWorkflow', {
      definitionFile: RESTORE_DEFINITION_FILE,
      functions: this.restoreFunctions.bySubstitution(),
      itemLists,
      logRetention,
    });
    this.verifyFunctions = new VerifyFunctions(this, 'Verify', resources);
    this.verifyWorkflow = new WorkflowStateMachine(this, 'VerifyWorkflow', {
      definitionFile: VERIFY_DEFINITION_FILE,
      functions: this.verifyFunctions.bySubstitution(),
      itemLists,
      logRetention,
    });
    this.pruneFunctions = new PruneFunctions(this, 'Prune', {
      vault: this.vault,
      vaultKey: this.vaultKey,
      vaultBuckets: props.vaultBuckets,
      catalog: this.catalog,
      objectLockMode: props.objectLock?.mode,
      logLevel: props.logLevel,
      logRetention,
    });
    this.pruneWorkflow = new WorkflowStateMachine(this, 'PruneWorkflow', {
      definitionFile: PRUNE_DEFINITION_FILE,
      functions: this.pruneFunctions.bySubstitution(),
      itemLists,
      logRetention,
    });
    this.scheduler = new HavenScheduler(this, 'Scheduler', {
      backupStateMachine: this.backupWorkflow,
      scheduleGroupName: this.names.scheduleGroupName,
    });
    this.retentionSchedule = this.scheduler.addSystemSchedule('DailyRetention', {
      expression: props.retentionSchedule?.expression ?? DEFAULT_RETENTION_SCHEDULE.expression,
      timezone: props.retentionSchedule?.timezone ?? DEFAULT_RETENTION_SCHEDULE.timezone,
      stateMachine: this.pruneWorkflow.stateMachine,
      input: {},
      description: 'Haven: apply every job\'s retention, then prune unreferenced packs',
      flexibleWindowMinutes: 15,
    });
    this.verificationSweepSchedule = this.scheduler.addSystemSchedule('WeeklyVerificationSweep', {
      expression: props.verificationSweepSchedule?.expression ?? DEFAULT_VERIFICATION_SWEEP_SCHEDULE.expression,
      timezone: props.verificationSweepSchedule?.timezone ?? DEFAULT_VERIFICATION_SWEEP_SCHEDULE.timezone,
      stateMachine: this.verifyWorkflow.stateMachine,
      input: { sweep: sweepInput(props.verificationSweepLevel ?? 'checksum') },
      description: "Haven: verify every job's latest backup",
      flexibleWindowMinutes: 30,
    });
    this.apiFunction = new ApiFunction(this, 'ApiFunction', {
      catalog: this.catalog,
      backupStateMachine: this.backupWorkflow.stateMachine,
      restoreStateMachine: this.restoreWorkflow.stateMachine,
      verifyStateMachine: this.verifyWorkflow.stateMachine,
      vault: this.vault,
      vaultKey: this.vaultKey,
      vaultBuckets: props.vaultBuckets,
      keyRegions: props.vaultBuckets?.map((b) => b.region),
      objectLockMode: props.objectLock?.mode,
      scheduler: this.scheduler,
      sourceTableArns: props.sourceTableArns,
      bucketArns: [...(props.sourceBucketArns ?? []), ...(props.restoreBucketArns ?? [])],
      logLevel: props.logLevel,
      logRetention,
    });
    this.api = new HavenApi(this, 'Api', {
      apiFunction: this.apiFunction.fn.function,
      routes: API_ROUTES,
      authorization: props.apiAuthorization,
      routeThrottling: props.apiRouteThrottling,
      cloudWatchRole: props.apiGatewayCloudWatchRole,
      logRetention,
    });
    this.notifications = new HavenNotifications(this, 'Notifications', {
      emailAddresses: props.notificationEmails,
      httpsEndpoints: props.notificationHttpsEndpoints,
    });
    for (const fn of [this.backupFunctions, this.restoreFunctions, this.verifyFunctions, this.pruneFunctions, this.copyFunctions].flatMap((f) => f.eventPublishers())) this.notifications.attach(fn);
    this.monitoring = new HavenMonitoring(this, 'Monitoring', {
      alarmTopic: this.notifications.topic,
      expectedBackupInterval: props.expectedBackupInterval,
      jobSchedules: props.monitoredJobSchedules,
      stateMachines: {
        Backup: this.backupWorkflow.stateMachine,
        Restore: this.restoreWorkflow.stateMachine,
        Verify: this.verifyWorkflow.stateMachine,
        Prune: this.pruneWorkflow.stateMachine,
        Copy: this.copyWorkflow.stateMachine,
      },
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('VaultBucketName', this.vault.bucket.bucketName, 'The vault bucket');
    output('VaultKeyArn', this.vaultKey.key.keyArn, 'The vault KMS key');
    output('CatalogTableName', this.catalog.table.tableName, 'The catalog table');
    output('BackupStateMachineArn', this.backupWorkflow.stateMachine.stateMachineArn, 'The backup workflow');
    output('RestoreStateMachineArn', this.restoreWorkflow.stateMachine.stateMachineArn, 'The restore workflow');
    output('VerifyStateMachineArn', this.verifyWorkflow.stateMachine.stateMachineArn, 'The verify workflow');
    output('PruneStateMachineArn', this.pruneWorkflow.stateMachine.stateMachineArn, 'The retention and prune workflow');
    output('CopyStateMachineArn', this.copyWorkflow.stateMachine.stateMachineArn, 'The copy workflow');
    output('ScheduleGroupName', this.scheduler.scheduleGroupName, 'The EventBridge Scheduler group');
    output('SchedulerRoleArn', this.scheduler.role.roleArn, 'The role schedules assume');
    output('ApiUrl', this.api.url, 'The API base URL');
    output('NotificationTopicArn', this.notifications.topic.topicArn, 'The SNS topic of notifications and alarms');
    output('DashboardName', this.monitoring.dashboard.dashboardName, 'The CloudWatch dashboard');
  }
}

/** The verify workflow's sweep input for a level (a sample sweep reads a tenth of the packs per run). */
function sweepInput(level: 'quick' | 'sample' | 'checksum'): Record<string, unknown> {
  return { level, scope: 'latest', ...(level === 'sample' ? { sample_percent: 10 } : {}) };
}
