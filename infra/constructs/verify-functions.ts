/**
 * The verify workflow's eight Lambda functions: one entry file,
 * `functions/verify/handlers.ts`, one export per state. The step table
 * below declares each step once (its name, which is its export; its ASL
 * placeholder; its sizing; and exactly the access its engine code uses:
 * `control/workflows/verify/*`, `control/verification/*`, and the restore
 * target and backup source it restores into and reads back), scratch
 * targets included. Check-packs also lists the versions of the packs under
 * `vault/data/` (a pack overwritten is a problem).
 *
 * Scratch targets are DynamoDB tables named `haven-verify-<verification
 * id>` in the stack's account and region, and keys under `haven-verify-`
 * in the scratch bucket; nothing else may be created or deleted. The
 * scratch bucket is this construct's own ({@link HavenEnv.ScratchBucket} names it
 * to every verify function): SSE-KMS with the vault key (writing scratch
 * objects needs `kms:GenerateDataKey`, reading them back `kms:Decrypt`,
 * both only through S3), with neither versioning nor Object Lock, so
 * cleanup deletes for good even when the vault bucket locks every object.
 * The steps head it (HeadBucket, authorized by `s3:ListBucket` with no
 * prefix) before listing a scratch prefix, so that grant is unconditioned.
 * A lifecycle rule expires anything left after two days (a Lambda still
 * writing after cleanup, say).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler holds the step table to the entry's exports.
import type * as VerifyHandlers from '../../functions/verify/handlers.js';
import { HavenEnv } from '../../control/env.js';
import { SCRATCH_PREFIX } from '../../control/verification/scratch.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { KeyService, viaService } from '../via-service.js';
import { functionEntry } from '../paths.js';
import { anyVaultKeys } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, workflowSteps, type StepDeclaration, type SubstitutionKeyOf, type WorkflowResources } from './workflow-functions.js';

/** What a step may do to scratch targets. */
export interface ScratchAccess {
  /** DynamoDB actions on `haven-verify-*` tables. */
  readonly table: readonly string[];
  /** S3 actions on `haven-verify-*` keys of the scratch bucket. */
  readonly objects: readonly string[];
  /** `s3:ListBucket` on the scratch bucket, unconditioned (HeadBucket sends no prefix). */
  readonly listBucket: boolean;
  /** `s3:ListBucketVersions` on the `haven-verify-` prefix (a bucket without versioning lists one version per key). */
  readonly listVersions: boolean;
  /** Vault key actions through S3 (scratch objects are SSE-KMS with it). */
  readonly keyActions: readonly string[];
}

/** A verify step's declaration: what every step declares, and what it may do to scratch targets. */
export interface VerifyStepDeclaration extends StepDeclaration {
  readonly scratch: ScratchAccess;
}

const NO_SCRATCH = { table: [], objects: [], listBucket: false, listVersions: false, keyActions: [] } as const satisfies ScratchAccess;

/** The one entry file of every verify function. */
export const VERIFY_ENTRY: string = functionEntry('verify', 'handlers');

const LONG = { memorySize: 2048, timeout: Duration.minutes(15) } as const;
const SHORT = { memorySize: 512, timeout: Duration.minutes(5) } as const;

/**
 * The verify workflow's steps, in workflow order: each named as the export
 * of `functions/verify/handlers.ts` it runs. S3 scratch prefixes live in the
 * scratch bucket (its own, without Object Lock or versioning, so cleanup
 * deletes for good); its objects are SSE-KMS under the vault key, so writing
 * them needs `kms:GenerateDataKey` and reading them back `kms:Decrypt`
 * (which the vault read grant brings), through S3 only.
 */
const VERIFY_STEPS = {
  plan: {
    substitution: 'VerifyPlanFunctionArn',
    description: 'Haven verify: plan (backups, referenced packs, sample, batches, the Check packs item list)',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
    scratch: NO_SCRATCH,
  },
  checkPacks: {
    substitution: 'VerifyCheckPacksFunctionArn',
    description: 'Haven verify: check the pack batches of one Distributed Map child',
    ...LONG,
    // Counts its batches in the verification's progress.
    catalog: CatalogAccess.ReadWrite,
    // Stages each batch's counts and problems.
    vault: VaultAccess.Write,
    events: false,
    rerunnable: 'Reads, and stages each batch\'s result under the batch\'s own name; a batch already staged is skipped.',
    scratch: NO_SCRATCH,
  },
  prepareScratch: {
    substitution: 'VerifyPrepareScratchFunctionArn',
    description: 'Haven verify: create the test restore scratch target',
    ...SHORT,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    // Stages the test restore's plan, partition names and item list.
    vault: VaultAccess.Write,
    events: false,
    // Heads the scratch bucket (and lists the prefix) to check an S3 scratch target is empty.
    scratch: { ...NO_SCRATCH, table: ['dynamodb:DescribeTable', 'dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:Scan'], listBucket: true },
  },
  restorePartition: {
    substitution: 'VerifyRestorePartitionFunctionArn',
    description: 'Haven verify: restore the partitions of one Distributed Map child into scratch',
    ...LONG,
    catalog: CatalogAccess.None,
    // Stages each partition's result.
    vault: VaultAccess.Write,
    events: false,
    rerunnable: 'Scratch targets are DynamoDB or S3, whose writes are idempotent; a partition whose result is staged is skipped.',
    scratch: {
      ...NO_SCRATCH,
      table: ['dynamodb:DescribeTable', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
      objects: ['s3:PutObject', 's3:AbortMultipartUpload'],
      listBucket: true,
      keyActions: ['kms:GenerateDataKey'],
    },
  },
  compare: {
    substitution: 'VerifyCompareFunctionArn',
    description: 'Haven verify: compare the scratch target with the backup',
    ...LONG,
    catalog: CatalogAccess.None,
    vault: VaultAccess.Read,
    events: false,
    rerunnable: 'Reads only.',
    scratch: { ...NO_SCRATCH, table: ['dynamodb:DescribeTable', 'dynamodb:Scan'], objects: ['s3:GetObject'], listBucket: true },
  },
  cleanupScratch: {
    substitution: 'VerifyCleanupScratchFunctionArn',
    description: 'Haven verify: remove the scratch target',
    ...SHORT,
    catalog: CatalogAccess.None,
    vault: VaultAccess.None,
    events: false,
    rerunnable: 'Deletes what is there; deleting twice is deleting once.',
    // ListObjectVersions is authorized as s3:ListBucketVersions.
    scratch: { ...NO_SCRATCH, table: ['dynamodb:DeleteTable'], objects: ['s3:DeleteObject', 's3:DeleteObjectVersion'], listBucket: true, listVersions: true },
  },
  finalize: {
    substitution: 'VerifyFinalizeFunctionArn',
    description: 'Haven verify: record the outcome, mark damaged backups, notify',
    ...LONG,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
    scratch: NO_SCRATCH,
  },
  markFailed: {
    substitution: 'VerifyMarkFailedFunctionArn',
    description: 'Haven verify: mark the verification failed (also a failed Distributed Map child\'s Record failure)',
    ...SHORT,
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Read,
    clearsStaging: true,
    events: true,
    rerunnable: 'The transition to FAILED is conditional: of two at once (the workflow\'s and a failed child\'s, or two children\'s), one records and publishes, the other does neither.',
    scratch: NO_SCRATCH,
  },
} as const satisfies Record<keyof typeof VerifyHandlers, VerifyStepDeclaration>;

/** A verify step's name (the export it runs). */
export type VerifyStep = keyof typeof VERIFY_STEPS;
/** Every `${Key}` placeholder `statemachines/verify.asl.json` uses. */
export type VerifySubstitutionKey = SubstitutionKeyOf<typeof VERIFY_STEPS>;

/** Every step's spec, in workflow order. */
export const VERIFY_STEP_SPECS = workflowSteps(VERIFY_ENTRY, VERIFY_STEPS);

/** Props of {@link VerifyFunctions}. */
export type VerifyFunctionsProps = WorkflowResources;

/** The eight verify functions, their grants, and the scratch lifecycle rule. */
export class VerifyFunctions extends WorkflowFunctions<VerifyStep, VerifySubstitutionKey> {
  /** The ARN pattern of scratch tables. */
  readonly scratchTableArn: string;
  /** The ARN pattern of scratch objects in the scratch bucket. */
  readonly scratchObjectsArn: string;
  /**
   * Where S3 test restores write: a bucket of its own (SSE-KMS with the
   * vault key, no versioning and no Object Lock, so cleanup deletes for good;
   * everything expires after two days if a cleanup never ran).
   */
  readonly scratchBucket: s3.Bucket;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use
   */
  constructor(scope: Construct, id: string, props: VerifyFunctionsProps) {
    super(scope, id, { ...props, steps: VERIFY_STEP_SPECS });
    const bucket = props.vault.bucket;
    this.scratchBucket = new s3.Bucket(this, 'Scratch', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.vaultKey.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.vault.accessLogsBucket,
      serverAccessLogsPrefix: 'verify-scratch/',
      lifecycleRules: [{ id: 'expire-verify-scratch', expiration: Duration.days(2), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Holds nothing for longer than a verification (and two days at most): nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.scratchTableArn = Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: `${SCRATCH_PREFIX}*` });
    this.scratchObjectsArn = this.scratchBucket.arnForObjects(`${SCRATCH_PREFIX}*`);

    for (const step of Object.keys(VERIFY_STEP_SPECS) as VerifyStep[]) {
      const access: ScratchAccess = VERIFY_STEP_SPECS[step].scratch;
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
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.scratchBucket.bucketArn] }));
      }
      if (access.keyActions.length > 0) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...access.keyActions], resources: [props.vaultKey.key.keyArn], conditions: viaService(this, [KeyService.S3]) }));
      }
      if (access.listVersions) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [this.scratchBucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${SCRATCH_PREFIX}*`] } } }));
      }
      this.functions[step].function.addEnvironment(HavenEnv.ScratchBucket, this.scratchBucket.bucketName);
      acknowledgeWildcardResources(role, wildcards, `Scoped wildcard: scratch tables and keys named ${SCRATCH_PREFIX}<verification id>, created and removed by test restores.`);
    }
    // Quick checks list a pack's versions to see it was never overwritten, in every vault bucket (a verification may read a copy).
    const vaultBucketArns = [bucket.bucketArn, ...(props.vaultBuckets ?? []).map((b) => Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: b.bucket }))];
    this.functions.checkPacks.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: vaultBucketArns, conditions: { StringLike: { 's3:prefix': [anyVaultKeys('data')] } } }),
    );
  }
}
