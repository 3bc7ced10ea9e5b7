/**
 * The verify workflow's eight Lambda functions: one entry file,
 * `functions/verify/handlers.ts`, one named export per state. Each step gets
 * exactly the access its engine code uses (`engine/workflows/verify/*`):
 *
 * | step | catalog | vault (prefix, key) | scratch (`haven-verify-*`) | events |
 * | --- | --- | --- | --- | --- |
 * | plan | read/write | read/write/delete/list (stages the pack list) | | |
 * | check-packs | read/write | read/write/delete/list; ListBucketVersions under `vault/data/` | | |
 * | prepare-scratch | read/write | read/list (Decrypt only) | tables: DescribeTable, CreateTable, UpdateTimeToLive, Scan; ListBucket | |
 * | restore-partition | read/write | read/list (Decrypt only) | tables: DescribeTable, BatchWriteItem, PutItem; objects: GetObject, PutObject, AbortMultipartUpload | |
 * | compare | read/write | | tables: DescribeTable, DescribeTimeToLive, Scan; objects: GetObject | |
 * | cleanup-scratch | read/write | | tables: DeleteTable; objects: DeleteObject, DeleteObjectVersion; ListBucketVersions under `haven-verify-` | |
 * | finalize, mark-failed | read/write | read/write/delete/list (reads and clears staging) | | PutEvents (default bus) |
 *
 * Scratch targets are DynamoDB tables named `haven-verify-<verification
 * id>` in the stack's account and region, and keys under `haven-verify-`
 * in the vault bucket (outside the vault prefix); nothing else may be
 * created or deleted. A lifecycle rule expires anything left under that
 * prefix after two days (a Lambda still writing after cleanup, say).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler checks each handler name is an export of the entry.
import type * as VerifyHandlers from '../../functions/verify/handlers.js';
import { SCRATCH_PREFIX } from '../../engine/verification/scratch.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { functionEntry } from '../paths.js';
import { DEFAULT_VAULT_PREFIX } from './vault-bucket.js';
import { VaultAccess, WorkflowFunctions, type WorkflowResources, type WorkflowStepSpec } from './workflow-functions.js';

/** The verify workflow's steps. */
export const VerifyStep = {
  Plan: 'plan',
  CheckPacks: 'check-packs',
  PrepareScratch: 'prepare-scratch',
  RestorePartition: 'restore-partition',
  Compare: 'compare',
  CleanupScratch: 'cleanup-scratch',
  Finalize: 'finalize',
  MarkFailed: 'mark-failed',
} as const;
export type VerifyStep = (typeof VerifyStep)[keyof typeof VerifyStep];

/** Every `${Key}` placeholder `statemachines/verify.asl.json` uses. */
export const VERIFY_SUBSTITUTION_KEYS = [
  'VerifyPlanFunctionArn',
  'VerifyCheckPacksFunctionArn',
  'VerifyPrepareScratchFunctionArn',
  'VerifyRestorePartitionFunctionArn',
  'VerifyCompareFunctionArn',
  'VerifyCleanupScratchFunctionArn',
  'VerifyFinalizeFunctionArn',
  'VerifyMarkFailedFunctionArn',
] as const;
export type VerifySubstitutionKey = (typeof VERIFY_SUBSTITUTION_KEYS)[number];

/** The named exports of `functions/verify/handlers.ts`. */
export type VerifyHandler = keyof typeof VerifyHandlers;

/** How each verify step's function is built: the handler is one of the entry's exports. */
export type VerifyStepSpec = WorkflowStepSpec<VerifySubstitutionKey> & { readonly handler: VerifyHandler };

/** The one entry file of every verify function. */
export const VERIFY_ENTRY: string = functionEntry('verify', 'handlers');


const LONG = { memorySize: 2048, timeout: Duration.minutes(15) } as const;
const SHORT = { memorySize: 512, timeout: Duration.minutes(5) } as const;

/** Every step's spec, in workflow order. */
export const VERIFY_STEP_SPECS: Readonly<Record<VerifyStep, VerifyStepSpec>> = {
  plan: { id: 'Plan', substitution: 'VerifyPlanFunctionArn', entry: VERIFY_ENTRY, handler: 'plan', description: 'Haven verify: plan (backups, referenced packs, sample, batches)', memorySize: 1024, timeout: Duration.minutes(15), vault: VaultAccess.ReadWrite, events: false },
  'check-packs': { id: 'CheckPacks', substitution: 'VerifyCheckPacksFunctionArn', entry: VERIFY_ENTRY, handler: 'checkPacks', description: 'Haven verify: check one batch of packs', ...LONG, vault: VaultAccess.ReadWrite, events: false },
  'prepare-scratch': { id: 'PrepareScratch', substitution: 'VerifyPrepareScratchFunctionArn', entry: VERIFY_ENTRY, handler: 'prepareScratch', description: 'Haven verify: create the test restore scratch target', ...SHORT, timeout: Duration.minutes(15), vault: VaultAccess.Read, events: false },
  'restore-partition': { id: 'RestorePartition', substitution: 'VerifyRestorePartitionFunctionArn', entry: VERIFY_ENTRY, handler: 'restorePartition', description: 'Haven verify: restore one partition into scratch', ...LONG, vault: VaultAccess.Read, events: false },
  compare: { id: 'Compare', substitution: 'VerifyCompareFunctionArn', entry: VERIFY_ENTRY, handler: 'compare', description: 'Haven verify: compare the scratch target with the backup', ...LONG, vault: VaultAccess.None, events: false },
  'cleanup-scratch': { id: 'CleanupScratch', substitution: 'VerifyCleanupScratchFunctionArn', entry: VERIFY_ENTRY, handler: 'cleanupScratch', description: 'Haven verify: remove the scratch target', ...SHORT, vault: VaultAccess.None, events: false },
  finalize: { id: 'Finalize', substitution: 'VerifyFinalizeFunctionArn', entry: VERIFY_ENTRY, handler: 'finalize', description: 'Haven verify: record the outcome, mark damaged backups, notify', ...LONG, vault: VaultAccess.ReadWrite, events: true },
  'mark-failed': { id: 'MarkFailed', substitution: 'VerifyMarkFailedFunctionArn', entry: VERIFY_ENTRY, handler: 'markFailed', description: 'Haven verify: mark the verification failed', ...SHORT, vault: VaultAccess.ReadWrite, events: true },
};

/** What each step may do to scratch targets. */
export const SCRATCH_ACCESS: Readonly<Record<VerifyStep, { table: readonly string[]; objects: readonly string[]; listVersions: boolean; listBucket: boolean }>> = {
  plan: { table: [], objects: [], listVersions: false, listBucket: false },
  'check-packs': { table: [], objects: [], listVersions: false, listBucket: false },
  'prepare-scratch': { table: ['dynamodb:DescribeTable', 'dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:Scan'], objects: [], listVersions: false, listBucket: true },
  'restore-partition': { table: ['dynamodb:DescribeTable', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'], objects: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], listVersions: false, listBucket: true },
  compare: { table: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:Scan'], objects: ['s3:GetObject'], listVersions: false, listBucket: true },
  'cleanup-scratch': { table: ['dynamodb:DeleteTable'], objects: ['s3:DeleteObject', 's3:DeleteObjectVersion'], listVersions: true, listBucket: false },
  finalize: { table: [], objects: [], listVersions: false, listBucket: false },
  'mark-failed': { table: [], objects: [], listVersions: false, listBucket: false },
};

/** Props of {@link VerifyFunctions}. */
export type VerifyFunctionsProps = WorkflowResources;

/** The eight verify functions, their grants, and the scratch lifecycle rule. */
export class VerifyFunctions extends WorkflowFunctions<VerifyStep, VerifySubstitutionKey> {
  /** The ARN pattern of scratch tables. */
  readonly scratchTableArn: string;
  /** The ARN pattern of scratch objects in the vault bucket. */
  readonly scratchObjectsArn: string;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use
   */
  constructor(scope: Construct, id: string, props: VerifyFunctionsProps) {
    super(scope, id, { ...props, steps: VERIFY_STEP_SPECS });
    const bucket = props.vault.bucket;
    const vaultPrefix = props.vaultPrefix ?? DEFAULT_VAULT_PREFIX;
    this.scratchTableArn = Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${SCRATCH_PREFIX}*` });
    this.scratchObjectsArn = bucket.arnForObjects(`${SCRATCH_PREFIX}*`);

    for (const step of Object.values(VerifyStep)) {
      const access = SCRATCH_ACCESS[step];
      const role = this.functions[step].role;
      const wildcards: string[] = [];
      if (access.table.length > 0) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...access.table], resources: [this.scratchTableArn] }));
        wildcards.push(this.scratchTableArn);
      }
      if (access.objects.length > 0) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...access.objects], resources: [this.scratchObjectsArn] }));
        wildcards.push(this.scratchObjectsArn);
      }
      if (access.listBucket) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${SCRATCH_PREFIX}*`] } } }));
      }
      if (access.listVersions) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${SCRATCH_PREFIX}*`] } } }));
      }
      acknowledgeWildcardResources(role, wildcards, `Scoped wildcard: scratch tables and keys named ${SCRATCH_PREFIX}<verification id>, created and removed by test restores.`);
    }
    // Quick checks list a pack's versions to see it was never overwritten.
    this.functions['check-packs'].role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${vaultPrefix}/data/*`] } } }),
    );
    bucket.addLifecycleRule({
      id: 'expire-verify-scratch',
      prefix: SCRATCH_PREFIX,
      expiration: Duration.days(2),
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    });
  }
}
