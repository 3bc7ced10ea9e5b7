/**
 * The backup workflow's Lambda functions, one per step: one entry file,
 * `functions/backup/handlers.ts`, one export per state. The step table
 * below declares each step once (its name, which is its export; its ASL
 * placeholder; its sizing; and exactly the access its engine code,
 * `control/workflows/backup/*` and `sources/*`, uses).
 *
 * Plan creates the vault on first use and stages the plan; when it fails it
 * records the failure itself (a scheduled run has no other way to name its
 * record): it marks the execution failed, clears what it staged and
 * publishes `Backup Failed`, so it publishes events like finalize and
 * mark-failed. The S3 source's plan heads and lists the bucket; its export
 * lists the partition's key range again before getting each object.
 * Commit never opens a catalog record; Plan verify only reads the job.
 *
 * A large S3 prefix is listed in rounds (control/workflows/backup/list-source.ts):
 * Plan lists its first objects; each List source child (a Distributed Map)
 * lists key ranges of the source bucket and stages what it found; Join
 * listing reads those pieces and stages the next round or the partitions,
 * marking the run running (the catalog) and heading the bucket.
 *
 * Export partitions is a Distributed Map: each child runs exportPartition
 * over a batch, and a failed batch calls markFailed itself (its Record
 * failure state, so `${MarkFailedFunctionArn}` appears twice in the ASL).
 * Verify packs is another: each child runs verifyPacks over a few pack
 * batches Plan verify staged, and its Record check failure calls markFailed
 * too (a third time); Record verification gathers their staged results and
 * clears the staging area.
 *
 * A PostgreSQL backup exports beside a snapshot holder (a Parallel state,
 * control/workflows/backup/hold-snapshot.ts): holdSnapshot (two loops of
 * it, even and odd generations, `${HoldSnapshotFunctionArn}` twice) holds
 * the database snapshot and hands it on with only the database access the
 * partitions have, plus reading the job and staging the snapshot's
 * reference and handoff requests; the export
 * branch plans in that snapshot with the plan function (`{holder}`, so
 * `${PlanFunctionArn}` appears twice) and releaseSnapshot stages the marker
 * the holder waits for.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { HavenEnv } from '../../control/env.js';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler holds the step table to the entry's exports.
import type * as BackupHandlers from '../../functions/backup/handlers.js';
import { functionEntry } from '../paths.js';
import type { DatabaseAccess } from './database-access.js';
import { SNAPSHOT_HOLDER_TIMEOUT_SECONDS } from '../../control/workflows/backup/hold-snapshot.js';
import { anyVaultKeys } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, workflowSteps, type StepDeclaration, type SubstitutionKeyOf, type WorkflowResources } from './workflow-functions.js';

/** The one entry file of every backup function. */
export const BACKUP_ENTRY: string = functionEntry('backup', 'handlers');

const FULL_STEP = { memorySize: 1024, timeout: Duration.minutes(15) } as const;
const SHORT_STEP = { memorySize: 256, timeout: Duration.minutes(1) } as const;

/** The backup workflow's steps, in workflow order: each named as the export of `functions/backup/handlers.ts` it runs. */
const BACKUP_STEPS = {
  plan: {
    substitution: 'PlanFunctionArn',
    database: true,
    description: 'Haven backup: plan (job lease, backup type, partitions)',
    ...FULL_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: true,
    data: { tableActions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], bucketActions: ['s3:ListBucket'] },
  },
  listSource: {
    substitution: 'ListSourceFunctionArn',
    rerunnable: 'A key range already staged is skipped; the others are listed again and staged under the same names.',
    description: 'Haven backup: list a batch of key ranges of a large S3 prefix (one List source child)',
    ...FULL_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    events: false,
    data: { bucketActions: ['s3:ListBucket'] },
  },
  joinListing: {
    substitution: 'JoinListingFunctionArn',
    rerunnable: 'Reads the same pieces and stages the same round, or the same partition list, under the same names.',
    description: 'Haven backup: join a listing round (the next round, or the partitions)',
    ...FULL_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    data: { bucketActions: ['s3:ListBucket'] },
  },
  holdSnapshot: {
    substitution: 'HoldSnapshotFunctionArn',
    database: true,
    description: 'Haven backup: hold the database snapshot while the partitions export',
    memorySize: 256,
    timeout: Duration.seconds(SNAPSHOT_HOLDER_TIMEOUT_SECONDS),
    // Reads the job's source; stages the snapshot's reference and its handoff request, reads them and heads the release marker.
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Write,
    events: false,
  },
  exportPartition: {
    substitution: 'ExportPartitionFunctionArn',
    rerunnable: 'A second export of a batch skips its staged partitions and writes its own packs and the same manifest for the rest; either commits a complete partition.',
    database: true,
    description: 'Haven backup: export a batch of partitions into packs',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    data: { tableActions: ['dynamodb:Scan'], tableIndexes: true, bucketActions: ['s3:ListBucket'], objectActions: ['s3:GetObject'], keyActions: ['kms:Decrypt'] },
  },
  releaseSnapshot: {
    substitution: 'ReleaseSnapshotFunctionArn',
    rerunnable: 'Stages the same release marker.',
    description: 'Haven backup: release the snapshot holder once the partitions are exported',
    ...SHORT_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    events: false,
  },
  commit: {
    substitution: 'CommitFunctionArn',
    database: true,
    description: 'Haven backup: commit the snapshot',
    ...FULL_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: false,
  },
  planVerify: {
    substitution: 'PlanVerifyFunctionArn',
    rerunnable: 'Reads, and stages the same pack batches and item list under the same names.',
    description: 'Haven backup: check the snapshot\'s packs exist, stage the new packs to read back',
    ...FULL_STEP,
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Write,
    events: false,
  },
  verifyPacks: {
    substitution: 'VerifyPacksFunctionArn',
    rerunnable: 'Reads, and stages each pack batch\'s result under the batch\'s own name; a batch already staged is skipped.',
    description: 'Haven backup: read back and authenticate the pack batches of one Distributed Map child',
    ...FULL_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    events: false,
  },
  recordVerification: {
    substitution: 'RecordVerificationFunctionArn',
    description: 'Haven backup: gather the pack batches\' results',
    memorySize: 512,
    // Clearing the staging area deletes two objects per pack batch, one after the other.
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: false,
  },
  finalize: {
    substitution: 'FinalizeFunctionArn',
    description: 'Haven backup: finalize (record, lease, outcome event)',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: true,
  },
  startCopies: {
    substitution: 'StartCopiesFunctionArn',
    rerunnable: 'Starts the copy execution named after the backup: a second start finds the first (ExecutionAlreadyExists is success).',
    description: 'Haven backup: start the copy workflow for the completed backup (its job lists copy vaults)',
    ...SHORT_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.None,
    events: false,
  },
  markFailed: {
    substitution: 'MarkFailedFunctionArn',
    rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.',
    database: true,
    description: 'Haven backup: mark the backup failed',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
  },
} as const satisfies Record<keyof typeof BackupHandlers, StepDeclaration>;

/** A backup step's name (the export it runs). */
export type BackupStep = keyof typeof BACKUP_STEPS;
/** Every `${Key}` placeholder `statemachines/backup.asl.json` uses. */
export type BackupSubstitutionKey = SubstitutionKeyOf<typeof BACKUP_STEPS>;

/** Every step's spec, in workflow order. */
export const BACKUP_STEP_SPECS = workflowSteps(BACKUP_ENTRY, BACKUP_STEPS);

/** Props of {@link BackupFunctions}. */
export interface BackupFunctionsProps extends WorkflowResources {
  /** DynamoDB tables jobs may back up (exact table ARNs). @default none */
  readonly sourceTableArns?: readonly string[];
  /** S3 buckets jobs may back up (exact bucket ARNs). @default none */
  readonly sourceBucketArns?: readonly string[];
  /** Customer-managed KMS keys of sources and PostgreSQL secrets (exact key ARNs): Decrypt through DynamoDB, S3 and Secrets Manager. @default none */
  readonly sourceKmsKeyArns?: readonly string[];
  /** Databases jobs may back up: secrets, and the VPC of plan, export, commit and mark-failed. @default none */
  readonly database?: DatabaseAccess;
  /** The copy workflow Start copies starts (`states:StartExecution` on it only). @default none: Start copies fails, and the backup still ends succeeded */
  readonly copyStateMachine?: sfn.IStateMachine;
}

/** The backup functions (one per step) and their grants. */
export class BackupFunctions extends WorkflowFunctions<BackupStep, BackupSubstitutionKey> {
  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use, and the sources they may read
   * @throws InvalidPropsError when a source ARN is not one exact table or bucket
   */
  constructor(scope: Construct, id: string, props: BackupFunctionsProps) {
    const { sourceTableArns, sourceBucketArns, sourceKmsKeyArns, copyStateMachine, ...shared } = props;
    super(scope, id, {
      ...shared,
      steps: BACKUP_STEP_SPECS,
      data: { label: 'source', setting: 'haven:source*Arns', tableArns: sourceTableArns, bucketArns: sourceBucketArns, kmsKeyArns: sourceKmsKeyArns },
    });
    if (copyStateMachine) {
      this.functions.startCopies.function.addEnvironment(HavenEnv.CopyStateMachineArn, copyStateMachine.stateMachineArn);
      this.functions.startCopies.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [copyStateMachine.stateMachineArn] }));
    }
    // Verify packs lists a pack's versions to see it was never overwritten (as the verify workflow's Check packs does), in every vault bucket a job may write.
    const vaultBucketArns = [props.vault.bucket.bucketArn, ...(props.vaultBuckets ?? []).map((b) => Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: b.bucket }))];
    this.functions.verifyPacks.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: vaultBucketArns, conditions: { StringLike: { 's3:prefix': [anyVaultKeys('data')] } } }),
    );
  }
}
