/**
 * The backup workflow's six Lambda functions (`functions/backup/*.ts`), one
 * per state, each with exactly the access its engine code
 * (`control/workflows/backup/*`, `sources/*`) uses:
 *
 * | step | catalog | vault | sources | events |
 * | --- | --- | --- | --- | --- |
 * | plan | read/write | write, clear staging | DescribeTable, DescribeTimeToLive; ListBucket | yes |
 * | export-partition | read/write | write | Scan; ListBucket, GetObject; source keys: Decrypt | |
 * | commit | | write, clear staging | | |
 * | verify | read | read | | |
 * | finalize | read/write | | | yes |
 * | mark-failed | read/write | read, clear staging | | yes |
 *
 * Plan creates the vault on first use and stages the plan; when it fails it
 * records the failure itself (a scheduled run has no other way to name its
 * record): it marks the execution failed, clears what it staged and
 * publishes `Backup Failed`, so it publishes events like finalize and
 * mark-failed. The S3 source's plan heads and lists the bucket; its export
 * lists the partition's key range again before getting each object.
 * Commit never opens a catalog record; verify only reads the job.
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionEntry } from '../paths.js';
import type { DatabaseAccess } from './database-access.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, type WorkflowResources, type WorkflowStepSpec } from './workflow-functions.js';

/** The backup workflow's steps, named as their entry files under `functions/backup/`. */
export const BackupStep = {
  Plan: 'plan',
  ExportPartition: 'export-partition',
  Commit: 'commit',
  Verify: 'verify',
  Finalize: 'finalize',
  MarkFailed: 'mark-failed',
} as const;
export type BackupStep = (typeof BackupStep)[keyof typeof BackupStep];

/**
 * Every `${Key}` placeholder `statemachines/backup.asl.json` uses. The state
 * machine refuses an ASL file using any other, or missing one.
 */
export const BACKUP_SUBSTITUTION_KEYS = [
  'PlanFunctionArn',
  'ExportPartitionFunctionArn',
  'CommitFunctionArn',
  'VerifyFunctionArn',
  'FinalizeFunctionArn',
  'MarkFailedFunctionArn',
] as const;
export type BackupSubstitutionKey = (typeof BACKUP_SUBSTITUTION_KEYS)[number];

/** How each backup step's function is built and what it may do. */
export type BackupStepSpec = WorkflowStepSpec<BackupSubstitutionKey>;

const FULL_STEP = { memorySize: 1024, timeout: Duration.minutes(15) } as const;
const SHORT_STEP = { memorySize: 256, timeout: Duration.minutes(1) } as const;

/** Every step's spec, in workflow order. */
export const BACKUP_STEP_SPECS: Readonly<Record<BackupStep, BackupStepSpec>> = {
  plan: {
    id: 'Plan',
    substitution: 'PlanFunctionArn',
    entry: functionEntry('backup', 'plan'),
    database: true,
    description: 'Haven backup: plan (job lease, backup type, partitions)',
    ...FULL_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: true,
    data: { tableActions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], bucketActions: ['s3:ListBucket'] },
  },
  'export-partition': {
    id: 'ExportPartition',
    substitution: 'ExportPartitionFunctionArn',
    rerunnable: 'A second export writes its own packs and the same manifest; either commits a complete partition.',
    entry: functionEntry('backup', 'export-partition'),
    database: true,
    description: 'Haven backup: export one partition into packs',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    data: { tableActions: ['dynamodb:Scan'], tableIndexes: true, bucketActions: ['s3:ListBucket'], objectActions: ['s3:GetObject'], keyActions: ['kms:Decrypt'] },
  },
  commit: {
    id: 'Commit',
    substitution: 'CommitFunctionArn',
    entry: functionEntry('backup', 'commit'),
    database: true,
    description: 'Haven backup: commit the snapshot',
    ...FULL_STEP,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: false,
  },
  verify: {
    id: 'Verify',
    substitution: 'VerifyFunctionArn',
    rerunnable: 'Reads only.',
    entry: functionEntry('backup', 'verify'),
    description: 'Haven backup: verify the snapshot\'s packs',
    ...FULL_STEP,
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Read,
    events: false,
  },
  finalize: {
    id: 'Finalize',
    substitution: 'FinalizeFunctionArn',
    entry: functionEntry('backup', 'finalize'),
    description: 'Haven backup: finalize (record, lease, outcome event)',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: true,
  },
  'mark-failed': {
    id: 'MarkFailed',
    substitution: 'MarkFailedFunctionArn',
    rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.',
    entry: functionEntry('backup', 'mark-failed'),
    database: true,
    description: 'Haven backup: mark the backup failed',
    ...SHORT_STEP,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
  },
};

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
}

/** The six backup functions and their grants. */
export class BackupFunctions extends WorkflowFunctions<BackupStep, BackupSubstitutionKey> {
  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use, and the sources they may read
   * @throws InvalidPropsError when a source ARN is not one exact table or bucket
   */
  constructor(scope: Construct, id: string, props: BackupFunctionsProps) {
    const { sourceTableArns, sourceBucketArns, sourceKmsKeyArns, ...shared } = props;
    super(scope, id, {
      ...shared,
      steps: BACKUP_STEP_SPECS,
      data: { label: 'source', setting: 'haven:source*Arns', tableArns: sourceTableArns, bucketArns: sourceBucketArns, kmsKeyArns: sourceKmsKeyArns },
    });
  }
}
