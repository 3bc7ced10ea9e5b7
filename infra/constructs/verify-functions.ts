/**
 * The verify workflow's eight Lambda functions: one entry file,
 * `functions/verify/handlers.ts`, one named export per state. Each step gets
 * exactly the access its engine code uses (`engine/workflows/verify/*`,
 * `engine/verification/*`, and the restore target and backup source it
 * restores into and reads back):
 *
 * | step | catalog | vault | scratch (`haven-verify-*`) | events |
 * | --- | --- | --- | --- | --- |
 * | plan | read/write | write (stages the pack list) | | |
 * | check-packs | | write (stages problems); ListBucketVersions under `vault/data/` | | |
 * | prepare-scratch | read/write | write (stages the test restore's plan) | tables: DescribeTable, CreateTable, UpdateTimeToLive, Scan | |
 * | restore-partition | | read | tables: DescribeTable, BatchWriteItem, PutItem; objects: PutObject, AbortMultipartUpload; vault key: GenerateDataKey through S3 | |
 * | compare | | read (the staged plan; its ListBucket and Decrypt read scratch objects back) | tables: DescribeTable, Scan; objects: GetObject | |
 * | cleanup-scratch | | | tables: DeleteTable; objects: DeleteObject, DeleteObjectVersion; ListBucketVersions under `haven-verify-` | |
 * | finalize, mark-failed | read/write | read, clear staging | | yes |
 *
 * Scratch targets are DynamoDB tables named `haven-verify-<verification
 * id>` in the stack's account and region, and keys under `haven-verify-`
 * in the vault bucket (outside the vault prefix); nothing else may be
 * created or deleted. The vault bucket is SSE-KMS with the vault key, so
 * writing scratch objects needs `kms:GenerateDataKey` on it (granted only
 * through S3) and reading them back `kms:Decrypt`. Prepare-scratch and
 * compare head the bucket (HeadBucket, authorized by `s3:ListBucket` with
 * no prefix) before listing the scratch prefix: their vault read grant's
 * `s3:ListBucket` is unconditioned for that reason. Cleanup lists and deletes every version of the
 * scratch prefix (DeleteObjects with version ids). A lifecycle rule expires
 * anything left under that prefix after two days (a Lambda still writing
 * after cleanup, say).
 *
 * With Object Lock on the vault bucket, the bucket's default retention
 * locks scratch object versions too, and cleanup cannot delete them (it
 * sends no governance bypass, and compliance mode allows none): see
 * infra/README.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler checks each handler name is an export of the entry.
import type * as VerifyHandlers from '../../functions/verify/handlers.js';
import { SCRATCH_PREFIX } from '../../engine/verification/scratch.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { KeyService, viaService } from '../via-service.js';
import { functionEntry } from '../paths.js';
import { DEFAULT_VAULT_PREFIX } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, type WorkflowResources, type WorkflowStepSpec } from './workflow-functions.js';

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
  plan: { id: 'Plan', substitution: 'VerifyPlanFunctionArn', entry: VERIFY_ENTRY, handler: 'plan', description: 'Haven verify: plan (backups, referenced packs, sample, batches)', memorySize: 1024, timeout: Duration.minutes(15), catalog: CatalogAccess.ReadWrite, vault: VaultAccess.Write, events: false },
  'check-packs': { id: 'CheckPacks', substitution: 'VerifyCheckPacksFunctionArn', entry: VERIFY_ENTRY, handler: 'checkPacks', description: 'Haven verify: check one batch of packs', ...LONG, catalog: CatalogAccess.None, vault: VaultAccess.Write, events: false, rerunnable: 'Reads, and stages its batch\'s problems under the batch\'s own name.' },
  'prepare-scratch': { id: 'PrepareScratch', substitution: 'VerifyPrepareScratchFunctionArn', entry: VERIFY_ENTRY, handler: 'prepareScratch', description: 'Haven verify: create the test restore scratch target', ...SHORT, timeout: Duration.minutes(15), catalog: CatalogAccess.ReadWrite, vault: VaultAccess.Write, events: false },
  'restore-partition': { id: 'RestorePartition', substitution: 'VerifyRestorePartitionFunctionArn', entry: VERIFY_ENTRY, handler: 'restorePartition', description: 'Haven verify: restore one partition into scratch', ...LONG, catalog: CatalogAccess.None, vault: VaultAccess.Read, events: false, rerunnable: 'Scratch targets are DynamoDB or S3, whose writes are idempotent.' },
  compare: { id: 'Compare', substitution: 'VerifyCompareFunctionArn', entry: VERIFY_ENTRY, handler: 'compare', description: 'Haven verify: compare the scratch target with the backup', ...LONG, catalog: CatalogAccess.None, vault: VaultAccess.Read, events: false, rerunnable: 'Reads only.' },
  'cleanup-scratch': { id: 'CleanupScratch', substitution: 'VerifyCleanupScratchFunctionArn', entry: VERIFY_ENTRY, handler: 'cleanupScratch', description: 'Haven verify: remove the scratch target', ...SHORT, catalog: CatalogAccess.None, vault: VaultAccess.None, events: false, rerunnable: 'Deletes what is there; deleting twice is deleting once.' },
  finalize: { id: 'Finalize', substitution: 'VerifyFinalizeFunctionArn', entry: VERIFY_ENTRY, handler: 'finalize', description: 'Haven verify: record the outcome, mark damaged backups, notify', ...LONG, catalog: CatalogAccess.ReadWrite, vault: VaultAccess.Read, clearsStaging: true, events: true },
  'mark-failed': { id: 'MarkFailed', substitution: 'VerifyMarkFailedFunctionArn', entry: VERIFY_ENTRY, handler: 'markFailed', description: 'Haven verify: mark the verification failed', ...SHORT, catalog: CatalogAccess.ReadWrite, vault: VaultAccess.Read, clearsStaging: true, events: true, rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.' },
};

/** What a step may do to scratch targets. */
export interface ScratchAccess {
  /** DynamoDB actions on `haven-verify-*` tables. */
  readonly table: readonly string[];
  /** S3 actions on `haven-verify-*` keys of the vault bucket. */
  readonly objects: readonly string[];
  /** `s3:ListBucketVersions` under `haven-verify-`. */
  readonly listVersions: boolean;
  /** `s3:ListBucket` on the vault bucket, unconditioned (HeadBucket sends no prefix). */
  readonly listBucket: boolean;
  /** Vault key actions through S3 (scratch objects are SSE-KMS with it). */
  readonly keyActions: readonly string[];
}

const NO_SCRATCH: ScratchAccess = { table: [], objects: [], listVersions: false, listBucket: false, keyActions: [] };

/**
 * What each step may do to scratch targets. Every step that touches a
 * scratch prefix also reads the vault (the staged plan), and that grant's
 * unconditioned `s3:ListBucket` and `kms:Decrypt` on the vault key cover
 * heading the bucket, listing the prefix and reading scratch objects back;
 * writing them needs `kms:GenerateDataKey` besides.
 */
export const SCRATCH_ACCESS: Readonly<Record<VerifyStep, ScratchAccess>> = {
  plan: NO_SCRATCH,
  'check-packs': NO_SCRATCH,
  'prepare-scratch': { ...NO_SCRATCH, table: ['dynamodb:DescribeTable', 'dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:Scan'] },
  'restore-partition': { ...NO_SCRATCH, table: ['dynamodb:DescribeTable', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'], objects: ['s3:PutObject', 's3:AbortMultipartUpload'], keyActions: ['kms:GenerateDataKey'] },
  compare: { ...NO_SCRATCH, table: ['dynamodb:DescribeTable', 'dynamodb:Scan'], objects: ['s3:GetObject'] },
  'cleanup-scratch': { ...NO_SCRATCH, table: ['dynamodb:DeleteTable'], objects: ['s3:DeleteObject', 's3:DeleteObjectVersion'], listVersions: true },
  finalize: NO_SCRATCH,
  'mark-failed': NO_SCRATCH,
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
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
      }
      if (access.keyActions.length > 0) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...access.keyActions], resources: [props.vaultKey.key.keyArn], conditions: viaService(this, [KeyService.S3]) }));
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
