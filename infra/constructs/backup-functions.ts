/**
 * The backup workflow's six Lambda functions (`functions/backup/*.ts`), one
 * per state, each with exactly the access its step needs:
 *
 * | step | catalog | vault (prefix, key) | sources | events |
 * | --- | --- | --- | --- | --- |
 * | plan | read/write | read/write/delete/list | DescribeTable, DescribeTimeToLive; ListBucket | |
 * | export-partition | read/write | read/write/delete/list | Scan; GetObject | |
 * | commit, verify | read/write | read/write/delete/list | | |
 * | finalize | read/write | | | PutEvents (default bus) |
 * | mark-failed | read/write | read/write/delete/list | | PutEvents (default bus) |
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { functionEntry } from '../paths.js';
import { SourceKind, sourceArnsProblem } from '../source-arns.js';
import type { BackupSubstitutionKey } from './backup-state-machine.js';
import type { CatalogTable } from './catalog-table.js';
import { HavenFunction, type HavenLogLevel } from './haven-function.js';
import { DEFAULT_VAULT_PREFIX, type VaultBucket } from './vault-bucket.js';
import type { VaultKey } from './vault-key.js';

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

/** What a step reads from the sources jobs back up. */
const SourceAccess = { None: 'none', Describe: 'describe', Export: 'export' } as const;
type SourceAccess = (typeof SourceAccess)[keyof typeof SourceAccess];

/** How each step's function is built and what it may do. */
export interface BackupStepSpec {
  /** The construct id. */
  readonly id: string;
  /** The ASL placeholder its ARN fills. */
  readonly substitution: BackupSubstitutionKey;
  readonly description: string;
  /** MiB. */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Reads and writes the vault (and its key). */
  readonly vault: boolean;
  /** Puts outcome events on the default bus. */
  readonly events: boolean;
  readonly sources: SourceAccess;
}

/** Every step's spec, in workflow order. */
export const BACKUP_STEP_SPECS: Readonly<Record<BackupStep, BackupStepSpec>> = {
  plan: {
    id: 'Plan',
    substitution: 'PlanFunctionArn',
    description: 'Haven backup: plan (job lease, backup type, partitions)',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    vault: true,
    events: false,
    sources: SourceAccess.Describe,
  },
  'export-partition': {
    id: 'ExportPartition',
    substitution: 'ExportPartitionFunctionArn',
    description: 'Haven backup: export one partition into packs',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    vault: true,
    events: false,
    sources: SourceAccess.Export,
  },
  commit: {
    id: 'Commit',
    substitution: 'CommitFunctionArn',
    description: 'Haven backup: commit the snapshot',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    vault: true,
    events: false,
    sources: SourceAccess.None,
  },
  verify: {
    id: 'Verify',
    substitution: 'VerifyFunctionArn',
    description: 'Haven backup: verify the snapshot\'s packs',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    vault: true,
    events: false,
    sources: SourceAccess.None,
  },
  finalize: {
    id: 'Finalize',
    substitution: 'FinalizeFunctionArn',
    description: 'Haven backup: finalize (record, lease, outcome event)',
    memorySize: 256,
    timeout: Duration.minutes(1),
    vault: false,
    events: true,
    sources: SourceAccess.None,
  },
  'mark-failed': {
    id: 'MarkFailed',
    substitution: 'MarkFailedFunctionArn',
    description: 'Haven backup: mark the backup failed',
    memorySize: 256,
    timeout: Duration.minutes(1),
    vault: true,
    events: true,
    sources: SourceAccess.None,
  },
};

/** The environment variables the backup functions read (see `functions/shared/env.ts`). */
export const BackupEnv = {
  CatalogTable: 'HAVEN_CATALOG_TABLE',
  VaultUri: 'HAVEN_VAULT_URI',
  KmsKeyId: 'HAVEN_KMS_KEY_ID',
} as const;

/** The S3 actions that read a source bucket, by step. */
const SOURCE_BUCKET_ACTIONS = { describe: ['s3:ListBucket'], export: ['s3:GetObject'] } as const;
/** The DynamoDB actions that read a source table, by step. */
const SOURCE_TABLE_ACTIONS = { describe: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'], export: ['dynamodb:Scan'] } as const;

/** Props of {@link BackupFunctions}. */
export interface BackupFunctionsProps {
  readonly vault: VaultBucket;
  readonly vaultKey: VaultKey;
  readonly catalog: CatalogTable;
  /** The vault's key prefix in the bucket. @default `vault` */
  readonly vaultPrefix?: string;
  /** DynamoDB tables jobs may back up (exact table ARNs). @default none */
  readonly sourceTableArns?: readonly string[];
  /** S3 buckets jobs may back up (exact bucket ARNs). @default none */
  readonly sourceBucketArns?: readonly string[];
  readonly logLevel?: HavenLogLevel;
  readonly logRetention?: logs.RetentionDays;
}

/** The six backup functions and their grants. */
export class BackupFunctions extends Construct {
  /** Each step's function. */
  readonly functions: Readonly<Record<BackupStep, HavenFunction>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use, and the sources they may read
   */
  constructor(scope: Construct, id: string, props: BackupFunctionsProps) {
    super(scope, id);
    const sourceTableArns = validArns(SourceKind.Table, props.sourceTableArns);
    const sourceBucketArns = validArns(SourceKind.Bucket, props.sourceBucketArns);
    const vaultPrefix = props.vaultPrefix ?? DEFAULT_VAULT_PREFIX;
    const environment = {
      [BackupEnv.CatalogTable]: props.catalog.table.tableName,
      [BackupEnv.VaultUri]: props.vault.vaultUri(vaultPrefix),
      [BackupEnv.KmsKeyId]: props.vaultKey.key.keyArn,
    };
    const stack = Stack.of(this);
    const defaultBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });

    const build = (step: BackupStep): HavenFunction => {
      const spec = BACKUP_STEP_SPECS[step];
      const fn = new HavenFunction(this, spec.id, {
        entry: functionEntry('backup', step),
        description: spec.description,
        memorySize: spec.memorySize,
        timeout: spec.timeout,
        logLevel: props.logLevel,
        logRetention: props.logRetention,
        environment,
      });

      // Catalog: CDK's table grant (items, the gsi1/gsi2 indexes, and the table's own key).
      props.catalog.grantReadWriteData(fn);
      const scopedWildcards = [`${props.catalog.table.tableArn}/index/*`];
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'CDK\'s TableV2 read/write grant for the catalog\'s own CMK; the statement names that key only.',
      });
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'CDK\'s TableV2 read/write grant for the catalog\'s own CMK; the statement names that key only.',
      });

      if (spec.vault) {
        props.vault.grantVaultReadWrite(fn, vaultPrefix);
        props.vaultKey.grantWrapKeys(fn);
        scopedWildcards.push(props.vault.bucket.arnForObjects(`${vaultPrefix}/*`));
      }
      acknowledgeWildcardResources(fn.role, scopedWildcards, 'Scoped wildcard: the objects under the vault prefix of the vault bucket, or the indexes of the catalog table.');

      if (spec.sources !== SourceAccess.None) this.grantSources(fn, spec.sources, sourceTableArns, sourceBucketArns);

      if (spec.events) {
        fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [defaultBusArn] }));
      }
      return fn;
    };

    this.functions = Object.fromEntries(Object.values(BackupStep).map((step) => [step, build(step)])) as Record<BackupStep, HavenFunction>;
  }

  /**
   * Each step's function keyed by its ASL placeholder, as
   * {@link BackupStateMachine} takes them.
   *
   * @returns the functions by substitution key
   */
  bySubstitution(): Record<BackupSubstitutionKey, lambda.IFunction> {
    const bySubstitution: Partial<Record<BackupSubstitutionKey, lambda.IFunction>> = {};
    for (const step of Object.values(BackupStep)) bySubstitution[BACKUP_STEP_SPECS[step].substitution] = this.functions[step].function;
    return bySubstitution as Record<BackupSubstitutionKey, lambda.IFunction>;
  }

  private grantSources(fn: HavenFunction, access: 'describe' | 'export', tableArns: readonly string[], bucketArns: readonly string[]): void {
    if (tableArns.length > 0) {
      const resources = access === SourceAccess.Export ? tableArns.flatMap((arn) => [arn, `${arn}/index/*`]) : [...tableArns];
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SOURCE_TABLE_ACTIONS[access]], resources }));
    }
    if (bucketArns.length > 0) {
      const resources = access === SourceAccess.Export ? bucketArns.map((arn) => `${arn}/*`) : [...bucketArns];
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SOURCE_BUCKET_ACTIONS[access]], resources }));
    }
    if (access === SourceAccess.Export) {
      acknowledgeWildcardResources(
        fn.role,
        [...tableArns.map((arn) => `${arn}/index/*`), ...bucketArns.map((arn) => `${arn}/*`)],
        'Scoped wildcard: the objects of a listed source bucket, or the indexes of a listed source table (haven:source*Arns).',
      );
    }
  }
}

function validArns(kind: SourceKind, arns: readonly string[] | undefined): string[] {
  const list = [...new Set(arns ?? [])];
  const problem = sourceArnsProblem(kind, list);
  if (problem) throw new InvalidPropsError(`source ${kind} ARNs: ${problem}`);
  return list;
}
