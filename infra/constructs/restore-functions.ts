/**
 * The restore workflow's six Lambda functions: one entry file,
 * `functions/restore/handlers.ts`, one export per state. The step table
 * below declares each step once (its name, which is its export; its ASL
 * placeholder; its sizing; and exactly the access its engine code,
 * `control/workflows/restore/*`, uses).
 *
 * Plan reads the snapshot, stages the restore's plan (destination, key
 * selection, partition list) and prepares the target: finds or creates the
 * table (then enables TTL), checks it is empty for `fail_if_exists`;
 * HeadBucket and a one-key listing for a bucket. The safety backup reads
 * the target as a backup source does and writes a backup of it into the
 * vault (packs, index, snapshot; it deletes nothing). Every later step
 * reads the staged plan; finalize and mark-failed clear it.
 * Restore-partition reads the vault and writes the target: BatchWriteItem
 * (conditional PutItem for `skip_existing`, which first describes the table
 * for its key); PutObject and multipart uploads, with HeadObject
 * (`s3:GetObject`, and `s3:ListBucket` so a missing key reads as 404, not
 * 403) before a large `skip_existing` upload, and counts its batch in the
 * restore's progress (one catalog UpdateItem). Validate reads the
 * snapshot only for a database target's finish and opens no catalog record.
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler holds the step table to the entry's exports.
import type * as RestoreHandlers from '../../functions/restore/handlers.js';
import { functionEntry } from '../paths.js';
import type { DatabaseAccess } from './database-access.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, workflowSteps, type StepDeclaration, type SubstitutionKeyOf, type WorkflowResources } from './workflow-functions.js';

/** The one entry file of every restore function. */
export const RESTORE_ENTRY: string = functionEntry('restore', 'handlers');

const SHORT_STEP = { memorySize: 256, timeout: Duration.minutes(1) } as const;

/** The restore workflow's steps, in workflow order: each named as the export of `functions/restore/handlers.ts` it runs. */
const RESTORE_STEPS = {
  plan: {
    substitution: 'RestorePlanFunctionArn',
    database: true,
    description: 'Haven restore: plan (backup, snapshot, target, conflict policy)',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    data: {
      tableActions: ['dynamodb:DescribeTable', 'dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:Scan'],
      bucketActions: ['s3:ListBucket'],
      keyActions: ['kms:Decrypt'],
    },
  },
  safetyBackup: {
    substitution: 'SafetyBackupFunctionArn',
    database: true,
    description: 'Haven restore: back up the target before overwriting it',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    data: {
      tableActions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:Scan'],
      bucketActions: ['s3:ListBucket'],
      objectActions: ['s3:GetObject'],
      keyActions: ['kms:Decrypt'],
    },
  },
  restorePartition: {
    substitution: 'RestorePartitionFunctionArn',
    database: true,
    description: 'Haven restore: restore a batch of partitions into the target',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    // Counts its batch in the restore's progress.
    catalog: CatalogAccess.ReadWrite,
    // Stages what each partition restored (restored-<n>) for Validate.
    vault: VaultAccess.Write,
    events: false,
    data: {
      tableActions: ['dynamodb:DescribeTable', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
      bucketActions: ['s3:ListBucket'],
      objectActions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      keyActions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    },
  },
  validate: {
    substitution: 'RestoreValidateFunctionArn',
    database: true,
    description: 'Haven restore: validate record counts and sizes, then finish the target (constraints, indexes)',
    // Reads the snapshot's source description; a database target then builds its indexes and constraints.
    memorySize: 256,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.None,
    vault: VaultAccess.Read,
    events: false,
  },
  finalize: {
    substitution: 'RestoreFinalizeFunctionArn',
    description: 'Haven restore: finalize (record, outcome event)',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
  },
  markFailed: {
    substitution: 'RestoreMarkFailedFunctionArn',
    rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.',
    description: 'Haven restore: mark the restore failed',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
  },
} as const satisfies Record<keyof typeof RestoreHandlers, StepDeclaration>;

/** A restore step's name (the export it runs). */
export type RestoreStep = keyof typeof RESTORE_STEPS;
/**
 * Every `${Key}` placeholder `statemachines/restore.asl.json` uses. The state
 * machine refuses an ASL file using any other, or missing one.
 */
export type RestoreSubstitutionKey = SubstitutionKeyOf<typeof RESTORE_STEPS>;

/** Every step's spec, in workflow order. */
export const RESTORE_STEP_SPECS = workflowSteps(RESTORE_ENTRY, RESTORE_STEPS);

/** Props of {@link RestoreFunctions}. */
export interface RestoreFunctionsProps extends WorkflowResources {
  /** DynamoDB tables restores may write (exact table ARNs). @default none */
  readonly restoreTableArns?: readonly string[];
  /** S3 buckets restores may write (exact bucket ARNs). @default none */
  readonly restoreBucketArns?: readonly string[];
  /** Customer-managed KMS keys of restore targets and PostgreSQL secrets (exact key ARNs): Decrypt (and GenerateDataKey to write) through DynamoDB, S3 and Secrets Manager. @default none */
  readonly restoreKmsKeyArns?: readonly string[];
  /** Databases restores may write: secrets, and the VPC of plan, safety backup, restore partition and validate. @default none */
  readonly database?: DatabaseAccess;
}

/** The six restore functions and their grants. */
export class RestoreFunctions extends WorkflowFunctions<RestoreStep, RestoreSubstitutionKey> {
  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use, and the targets they may write
   * @throws InvalidPropsError when a target ARN is not one exact table or bucket
   */
  constructor(scope: Construct, id: string, props: RestoreFunctionsProps) {
    const { restoreTableArns, restoreBucketArns, restoreKmsKeyArns, ...shared } = props;
    super(scope, id, {
      ...shared,
      steps: RESTORE_STEP_SPECS,
      data: { label: 'restore target', setting: 'haven:restore*Arns', tableArns: restoreTableArns, bucketArns: restoreBucketArns, kmsKeyArns: restoreKmsKeyArns },
    });
  }
}
