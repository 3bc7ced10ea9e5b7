/**
 * The API Lambda (functions/api/handler.ts) and exactly what it may do:
 * read, write and list the catalog and delete jobs from it, start the backup, restore and verify
 * workflows and stop backup and restore executions, manage the jobs'
 * schedules in Haven's schedule group, check that source tables and buckets
 * (and restore buckets) exist, look up the KMS key a job names
 * (kms:DescribeKey), and delete single backups: read the vault
 * (decrypting with the vault key) and delete its snapshot objects only
 * (packs and index objects are prune's), reading Object Lock retention
 * when the bucket has it.
 */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HavenEnv } from '../../control/env.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { functionEntry } from '../paths.js';
import { readHavenVersion } from '../version.js';
import { CatalogAccess, type CatalogTable } from './catalog-table.js';
import { HavenFunction, type HavenLogLevel } from './haven-function.js';
import type { HavenScheduler } from './scheduler.js';
import { anyVaultKeys, DEFAULT_VAULT_PREFIX, VaultAccess, type ObjectLockMode, type VaultBucket } from './vault-bucket.js';
import { grantVaultBuckets, vaultBucketsEnvironment, type ExtraVaultBucket } from './vault-buckets.js';
import type { VaultKey } from './vault-key.js';

/** The ARN of every execution of a state machine, as CDK's `grantExecution` writes it. */
function executionsArn(machine: sfn.IStateMachine): string {
  const stack = Stack.of(machine);
  const name = Arn.split(machine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  return stack.formatArn({ resource: 'execution', service: 'states', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Every KMS key ARN of the stack's account in the given regions (`arn:…:kms:<region>:<account>:key/*`), once per region. */
function keyArnsIn(scope: Construct, regions: readonly string[]): string[] {
  const stack = Stack.of(scope);
  return [...new Set(regions)].map((region) => stack.formatArn({ service: 'kms', region, resource: 'key', resourceName: '*' }));
}

/** Props of {@link ApiFunction}. */
export interface ApiFunctionProps {
  readonly catalog: CatalogTable;
  readonly backupStateMachine: sfn.IStateMachine;
  readonly restoreStateMachine: sfn.IStateMachine;
  /** `POST /backup/backups/{id}/verify` starts it (the API never stops verifications). */
  readonly verifyStateMachine: sfn.IStateMachine;
  /** The vault: `DELETE /backup/backups/{id}` removes a snapshot; the retention dry run reads nothing from it. */
  readonly vault: VaultBucket;
  readonly vaultKey: VaultKey;
  /** @default `vault` */
  readonly vaultPrefix?: string;
  /** The vault bucket's Object Lock mode, when it has Object Lock (a locked snapshot is refused). */
  readonly objectLockMode?: ObjectLockMode;
  /** Where job schedules live: the API creates, updates and deletes them. */
  readonly scheduler: HavenScheduler;
  /** Tables jobs may back up: the API checks they exist (DescribeTable). */
  readonly sourceTableArns?: readonly string[];
  /** Buckets jobs may back up or restores may write: the API checks they exist (HeadBucket). */
  readonly bucketArns?: readonly string[];
  /**
   * Regions of the deployment's other vault buckets: a job's `encryption.key_id`
   * is looked up there too (kms:DescribeKey). The stack's own region is always one.
   */
  readonly keyRegions?: readonly string[];
  /** The deployment's other vault buckets (backup deletes read and delete snapshots there too). @default none */
  readonly vaultBuckets?: readonly ExtraVaultBucket[];
  readonly logLevel?: HavenLogLevel;
  readonly logRetention?: logs.RetentionDays;
}

/** The function behind every API route. */
export class ApiFunction extends Construct {
  readonly fn: HavenFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const vaultPrefix = props.vaultPrefix ?? DEFAULT_VAULT_PREFIX;
    this.fn = new HavenFunction(this, 'Function', {
      entry: functionEntry('api'),
      description: 'Haven API: every route of the REST API',
      memorySize: 512,
      logLevel: props.logLevel,
      logRetention: props.logRetention,
      environment: {
        [HavenEnv.CatalogTable]: props.catalog.table.tableName,
        [HavenEnv.BackupStateMachineArn]: props.backupStateMachine.stateMachineArn,
        [HavenEnv.RestoreStateMachineArn]: props.restoreStateMachine.stateMachineArn,
        [HavenEnv.VerifyStateMachineArn]: props.verifyStateMachine.stateMachineArn,
        // What functions/shared/deps.ts reads to open the vault (backup delete).
        [HavenEnv.VaultUri]: props.vault.vaultUri(vaultPrefix),
        [HavenEnv.KmsKeyId]: props.vaultKey.key.keyArn,
        ...(props.objectLockMode ? { [HavenEnv.ObjectLockMode]: props.objectLockMode } : {}),
        ...vaultBucketsEnvironment(props.vaultBuckets),
        [HavenEnv.Version]: readHavenVersion(),
        ...props.scheduler.scheduleEnvironment(),
      },
    });
    const role = this.fn.role;
    // Jobs, runs, restores and verifications: created, read, listed, changed; jobs deleted.
    props.catalog.grant(role, CatalogAccess.Manage);
    props.backupStateMachine.grantStartExecution(role);
    props.restoreStateMachine.grantStartExecution(role);
    props.verifyStateMachine.grantStartExecution(role);
    props.vault.grantSnapshotDelete(role, vaultPrefix, props.objectLockMode !== undefined);
    grantVaultBuckets(role, VaultAccess.Read, props.vaultBuckets, { deleteSnapshots: true });
    props.scheduler.grantManageSchedules(role);
    props.backupStateMachine.grantExecution(role, 'states:StopExecution');
    props.restoreStateMachine.grantExecution(role, 'states:StopExecution');
    if (props.sourceTableArns?.length) role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [...props.sourceTableArns] }));
    if (props.bucketArns?.length) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [...new Set(props.bucketArns)] }));
    // A job's encryption.key_id is checked when the job is saved: DescribeKey (metadata only, no key use) on
    // the account's keys in the vault buckets' regions. Any key, not only the vault keys: KMS must be able to
    // answer NotFoundException for a key or alias that does not exist, and describe another key so the API can
    // say it is not the vault's, rather than AccessDenied for both.
    const keyArns = keyArnsIn(this, [Stack.of(this).region, ...(props.keyRegions ?? [])]);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: keyArns }));
    acknowledgeWildcardResources(
      role,
      [props.backupStateMachine, props.restoreStateMachine].map((m) => executionsArn(m)),
      'Scoped wildcard: executions of the two Haven state machines, named by record ids not known at deploy time (StopExecution only).',
    );
    acknowledgeWildcardResources(role, keyArns, 'Scoped wildcard: kms:DescribeKey (metadata only) on the account\'s keys in the vault regions, so a job\'s key_id that names no key is told apart from one that is not the vault\'s.');
    acknowledgeWildcardResources(
      role,
      [props.vault.bucket.arnForObjects(anyVaultKeys()), props.vault.bucket.arnForObjects(anyVaultKeys('snapshots'))],
      'Scoped wildcard: objects under the vault prefix (read) and its snapshots (deleted one by one by DELETE /backup/backups/{id}).',
    );
  }
}
