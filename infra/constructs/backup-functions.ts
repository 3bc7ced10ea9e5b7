/**
 * The backup workflow's six Lambda functions (`functions/backup/*.ts`), one
 * per state, each with exactly the access its step needs:
 *
 * | step | catalog | vault (prefix, key) | sources | events |
 * | --- | --- | --- | --- | --- |
 * | plan | read/write | read/write/list, delete staging/ | DescribeTable, DescribeTimeToLive; ListBucket | |
 * | export-partition | read/write | read/write/list, delete staging/ | Scan; GetObject | |
 * | commit, verify | read/write | read/write/list, delete staging/ | | |
 * | finalize | read/write | | | PutEvents (default bus) |
 * | mark-failed | read/write | read/write/list, delete staging/ | | PutEvents (default bus) |
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionEntry } from '../paths.js';
import type { DatabaseAccess } from './database-access.js';
import { VaultAccess, WorkflowFunctions, type WorkflowResources, type WorkflowStepSpec } from './workflow-functions.js';

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
    vault: VaultAccess.ReadWrite,
    events: false,
    data: { tableActions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], bucketActions: ['s3:ListBucket'] },
  },
  'export-partition': {
    id: 'ExportPartition',
    substitution: 'ExportPartitionFunctionArn',
    entry: functionEntry('backup', 'export-partition'),
    database: true,
    description: 'Haven backup: export one partition into packs',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    vault: VaultAccess.ReadWrite,
    events: false,
    data: { tableActions: ['dynamodb:Scan'], tableIndexes: true, objectActions: ['s3:GetObject'] },
  },
  commit: {
    id: 'Commit',
    substitution: 'CommitFunctionArn',
    entry: functionEntry('backup', 'commit'),
    database: true,
    description: 'Haven backup: commit the snapshot',
    ...FULL_STEP,
    vault: VaultAccess.ReadWrite,
    events: false,
  },
  verify: {
    id: 'Verify',
    substitution: 'VerifyFunctionArn',
    entry: functionEntry('backup', 'verify'),
    description: 'Haven backup: verify the snapshot\'s packs',
    ...FULL_STEP,
    vault: VaultAccess.ReadWrite,
    events: false,
  },
  finalize: {
    id: 'Finalize',
    substitution: 'FinalizeFunctionArn',
    entry: functionEntry('backup', 'finalize'),
    description: 'Haven backup: finalize (record, lease, outcome event)',
    ...SHORT_STEP,
    vault: VaultAccess.None,
    events: true,
  },
  'mark-failed': {
    id: 'MarkFailed',
    substitution: 'MarkFailedFunctionArn',
    entry: functionEntry('backup', 'mark-failed'),
    database: true,
    description: 'Haven backup: mark the backup failed',
    ...SHORT_STEP,
    vault: VaultAccess.ReadWrite,
    events: true,
  },
};

/** Props of {@link BackupFunctions}. */
export interface BackupFunctionsProps extends WorkflowResources {
  /** DynamoDB tables jobs may back up (exact table ARNs). @default none */
  readonly sourceTableArns?: readonly string[];
  /** S3 buckets jobs may back up (exact bucket ARNs). @default none */
  readonly sourceBucketArns?: readonly string[];
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
    const { sourceTableArns, sourceBucketArns, ...shared } = props;
    super(scope, id, {
      ...shared,
      steps: BACKUP_STEP_SPECS,
      data: { label: 'source', setting: 'haven:source*Arns', tableArns: sourceTableArns, bucketArns: sourceBucketArns },
    });
  }
}
