/**
 * The Haven stack: one construct per concern (key, vault, catalog, backup and
 * restore workflows, scheduler, functions, API), wired together with
 * least-privilege grants.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES } from '../engine/api/routes.js';
import { HavenApi, type HavenApiAuthorization, type RouteThrottle } from './constructs/api.js';
import { ApiFunction } from './constructs/api-function.js';
import { BACKUP_SUBSTITUTION_KEYS, BackupFunctions, type BackupSubstitutionKey } from './constructs/backup-functions.js';
import { CatalogTable } from './constructs/catalog-table.js';
import type { HavenLogLevel } from './constructs/haven-function.js';
import { RESTORE_SUBSTITUTION_KEYS, RestoreFunctions, type RestoreSubstitutionKey } from './constructs/restore-functions.js';
import { HavenScheduler } from './constructs/scheduler.js';
import { VaultBucket, type ObjectLockSettings } from './constructs/vault-bucket.js';
import { VaultKey } from './constructs/vault-key.js';
import { WorkflowStateMachine } from './constructs/workflow-state-machine.js';
import { BACKUP_DEFINITION_FILE, RESTORE_DEFINITION_FILE } from './paths.js';

/** Props of {@link HavenStack}. */
export interface HavenStackProps extends StackProps {
  /** Object Lock default retention on the vault bucket; off when omitted. */
  readonly objectLock?: ObjectLockSettings;
  /** @default `alias/haven-vault` */
  readonly vaultKeyAlias?: string;
  /** @default `haven` */
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
  /** How API callers authenticate. @default IAM (SigV4) */
  readonly apiAuthorization?: HavenApiAuthorization;
  /** Per-route API throttles by `"METHOD /path"`, overriding those derived from the seed's hourly limits. */
  readonly apiRouteThrottling?: Readonly<Record<string, RouteThrottle>>;
}

/** Haven's resources in one stack. */
export class HavenStack extends Stack {
  readonly vaultKey: VaultKey;
  readonly vault: VaultBucket;
  readonly catalog: CatalogTable;
  readonly backupFunctions: BackupFunctions;
  readonly backupWorkflow: WorkflowStateMachine<BackupSubstitutionKey>;
  readonly restoreFunctions: RestoreFunctions;
  readonly restoreWorkflow: WorkflowStateMachine<RestoreSubstitutionKey>;
  readonly scheduler: HavenScheduler;
  readonly apiFunction: ApiFunction;
  readonly api: HavenApi;

  /**
   * @param scope - the app
   * @param id - the stack id
   * @param props - stack props plus Haven's settings
   */
  constructor(scope: Construct, id: string, props: HavenStackProps = {}) {
    super(scope, id, { description: 'Haven: serverless, deduplicating, encrypted backups', ...props });
    const logRetention = props.logRetention;

    this.vaultKey = new VaultKey(this, 'VaultKey', { alias: props.vaultKeyAlias });
    this.vault = new VaultBucket(this, 'Vault', {
      encryptionKey: this.vaultKey.key,
      objectLock: props.objectLock,
    });
    this.catalog = new CatalogTable(this, 'Catalog');
    this.backupFunctions = new BackupFunctions(this, 'Backup', {
      vault: this.vault,
      vaultKey: this.vaultKey,
      catalog: this.catalog,
      sourceTableArns: props.sourceTableArns,
      sourceBucketArns: props.sourceBucketArns,
      logLevel: props.logLevel,
      logRetention,
    });
    this.backupWorkflow = new WorkflowStateMachine(this, 'BackupWorkflow', {
      definitionFile: BACKUP_DEFINITION_FILE,
      substitutionKeys: BACKUP_SUBSTITUTION_KEYS,
      functions: this.backupFunctions.bySubstitution(),
      logRetention,
    });
    this.restoreFunctions = new RestoreFunctions(this, 'Restore', {
      vault: this.vault,
      vaultKey: this.vaultKey,
      catalog: this.catalog,
      restoreTableArns: props.restoreTableArns,
      restoreBucketArns: props.restoreBucketArns,
      logLevel: props.logLevel,
      logRetention,
    });
    this.restoreWorkflow = new WorkflowStateMachine(this, 'RestoreWorkflow', {
      definitionFile: RESTORE_DEFINITION_FILE,
      substitutionKeys: RESTORE_SUBSTITUTION_KEYS,
      functions: this.restoreFunctions.bySubstitution(),
      logRetention,
    });
    this.scheduler = new HavenScheduler(this, 'Scheduler', {
      backupStateMachine: this.backupWorkflow,
      scheduleGroupName: props.scheduleGroupName,
    });
    this.apiFunction = new ApiFunction(this, 'ApiFunction', {
      catalog: this.catalog,
      backupStateMachine: this.backupWorkflow.stateMachine,
      restoreStateMachine: this.restoreWorkflow.stateMachine,
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
      logRetention,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('VaultBucketName', this.vault.bucket.bucketName, 'The vault bucket');
    output('VaultKeyArn', this.vaultKey.key.keyArn, 'The vault KMS key');
    output('CatalogTableName', this.catalog.table.tableName, 'The catalog table');
    output('BackupStateMachineArn', this.backupWorkflow.stateMachine.stateMachineArn, 'The backup workflow');
    output('RestoreStateMachineArn', this.restoreWorkflow.stateMachine.stateMachineArn, 'The restore workflow');
    output('ScheduleGroupName', this.scheduler.scheduleGroupName, 'The EventBridge Scheduler group');
    output('SchedulerRoleArn', this.scheduler.role.roleArn, 'The role schedules assume');
    output('ApiUrl', this.api.url, 'The API base URL');
  }
}
