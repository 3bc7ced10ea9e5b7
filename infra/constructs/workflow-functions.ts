/**
 * A workflow's Lambda functions, one per Task state, built from a spec table:
 * each step names its entry (file and export), sizing, the ASL placeholder
 * its ARN fills, and exactly what it may touch:
 *
 * - the catalog: read/write, always (CDK's TableV2 grant);
 * - the vault: nothing, read (objects under the vault prefix, list, and
 *   `kms:Decrypt`), or read/write/delete (plus `kms:GenerateDataKey`);
 * - the workflow's listed data tables and buckets (a backup's sources, a
 *   restore's targets): the DynamoDB and S3 actions the spec lists, on
 *   exactly those ARNs (and their `/index/*` or `/*` when the spec says so);
 * - outcome events: `events:PutEvents` on the default bus.
 *
 * The backup and restore workflows are two spec tables over this construct
 * (`backup-functions.ts`, `restore-functions.ts`).
 */
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { SourceKind, sourceArnsProblem } from '../source-arns.js';
import type { CatalogTable } from './catalog-table.js';
import { grantDatabaseAccess, validateDatabaseAccess, type DatabaseAccess } from './database-access.js';
import { HavenFunction, type HavenLogLevel } from './haven-function.js';
import { DEFAULT_VAULT_PREFIX, type VaultBucket } from './vault-bucket.js';
import type { VaultKey } from './vault-key.js';

/** How much of the vault a step may touch. */
export const VaultAccess = {
  /** Nothing. */
  None: 'none',
  /** Get and list under the vault prefix; `kms:Decrypt` on the vault key. */
  Read: 'read',
  /** Get, put, abort and list under the vault prefix, delete under its `staging/`; `kms:GenerateDataKey` + `kms:Decrypt`. */
  ReadWrite: 'readWrite',
  /** ReadWrite plus delete anywhere under the vault prefix (and Object Lock dates when the bucket has it): prune only. */
  Prune: 'prune',
} as const;
export type VaultAccess = (typeof VaultAccess)[keyof typeof VaultAccess];

/**
 * What a step may do to the workflow's listed tables and buckets. Each list
 * becomes one statement on exactly the listed ARNs; an empty or missing list
 * grants nothing.
 */
export interface DataAccess {
  /** DynamoDB actions on each listed table. */
  readonly tableActions?: readonly string[];
  /** Grant `tableActions` on each listed table's indexes (`<table>/index/*`) too. @default false */
  readonly tableIndexes?: boolean;
  /** S3 actions on each listed bucket itself (e.g. `s3:ListBucket`). */
  readonly bucketActions?: readonly string[];
  /** S3 actions on each listed bucket's objects (`<bucket>/*`). */
  readonly objectActions?: readonly string[];
}

/** How one step's function is built and what it may do. */
export interface WorkflowStepSpec<K extends string> {
  /** The construct id. */
  readonly id: string;
  /** The ASL placeholder its ARN fills. */
  readonly substitution: K;
  /** Absolute path of the TypeScript entry file. */
  readonly entry: string;
  /** The entry's export Lambda calls. @default `handler` */
  readonly handler?: string;
  readonly description: string;
  /** MiB. */
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly vault: VaultAccess;
  /** Puts outcome events on the default bus. */
  readonly events: boolean;
  /** What it may do to the listed tables and buckets. @default nothing */
  readonly data?: DataAccess;
  /** Connects to databases (PostgreSQL): gets the workflow's {@link DatabaseAccess}. @default false */
  readonly database?: boolean;
}

/** The environment variables the workflow functions read (see `functions/shared/env.ts`). */
export const WorkflowEnv = {
  CatalogTable: 'HAVEN_CATALOG_TABLE',
  VaultUri: 'HAVEN_VAULT_URI',
  KmsKeyId: 'HAVEN_KMS_KEY_ID',
  ObjectLockMode: 'HAVEN_OBJECT_LOCK_MODE',
} as const;

/** The tables and buckets the steps' {@link DataAccess} applies to. */
export interface WorkflowData {
  /** What they are to the workflow, e.g. `source` or `restore target` (error messages, cdk-nag reasons). */
  readonly label: string;
  /** Where they are listed, e.g. `haven:source*Arns` (cdk-nag reasons). */
  readonly setting: string;
  /** Exact DynamoDB table ARNs. @default none */
  readonly tableArns?: readonly string[];
  /** Exact S3 bucket ARNs. @default none */
  readonly bucketArns?: readonly string[];
}

/** What every workflow's functions are built on: the vault, its key, the catalog, and logging. */
export interface WorkflowResources {
  readonly vault: VaultBucket;
  readonly vaultKey: VaultKey;
  readonly catalog: CatalogTable;
  /** The vault's key prefix in the bucket. @default `vault` */
  readonly vaultPrefix?: string;
  readonly logLevel?: HavenLogLevel;
  readonly logRetention?: logs.RetentionDays;
}

/** Props of {@link WorkflowFunctions}. */
export interface WorkflowFunctionsProps<S extends string, K extends string> extends WorkflowResources {
  /** Every step's spec, in workflow order. */
  readonly steps: Readonly<Record<S, WorkflowStepSpec<K>>>;
  /** The tables and buckets the steps' data grants name. @default none */
  readonly data?: WorkflowData;
  /** The vault bucket's Object Lock mode, when it has Object Lock (set as `HAVEN_OBJECT_LOCK_MODE`). @default none */
  readonly objectLockMode?: string;
  /** Secrets and network of the steps marked `database`. @default no database access */
  readonly database?: DatabaseAccess;
}

/** A workflow's functions, one per step, and their grants. */
export class WorkflowFunctions<S extends string, K extends string> extends Construct {
  /** Each step's function. */
  readonly functions: Readonly<Record<S, HavenFunction>>;
  private readonly steps: Readonly<Record<S, WorkflowStepSpec<K>>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the steps, the resources they use, and the data they may touch
   * @throws InvalidPropsError when two steps fill one placeholder, or a listed ARN is not one exact table or bucket
   */
  constructor(scope: Construct, id: string, props: WorkflowFunctionsProps<S, K>) {
    super(scope, id);
    this.steps = props.steps;
    const specs = Object.values<WorkflowStepSpec<K>>(props.steps);
    const substitutions = specs.map((spec) => spec.substitution);
    if (new Set(substitutions).size !== substitutions.length) {
      throw new InvalidPropsError(`${id}: each step must fill its own placeholder, got ${substitutions.join(', ')}`);
    }
    const label = props.data?.label ?? 'data';
    const data = {
      label,
      setting: props.data?.setting ?? 'props',
      tableArns: validArns(label, SourceKind.Table, props.data?.tableArns),
      bucketArns: validArns(label, SourceKind.Bucket, props.data?.bucketArns),
    };
    const vaultPrefix = props.vaultPrefix ?? DEFAULT_VAULT_PREFIX;
    const environment = {
      [WorkflowEnv.CatalogTable]: props.catalog.table.tableName,
      [WorkflowEnv.VaultUri]: props.vault.vaultUri(vaultPrefix),
      [WorkflowEnv.KmsKeyId]: props.vaultKey.key.keyArn,
      ...(props.objectLockMode ? { [WorkflowEnv.ObjectLockMode]: props.objectLockMode } : {}),
    };
    const defaultBusArn = Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });

    if (props.database) validateDatabaseAccess(props.database);
    const build = (spec: WorkflowStepSpec<K>): HavenFunction => {
      const database = spec.database ? props.database : undefined;
      const fn = new HavenFunction(this, spec.id, {
        ...(database?.vpc ? { vpc: database.vpc, vpcSubnets: database.vpcSubnets, securityGroups: database.securityGroups } : {}),
        entry: spec.entry,
        handler: spec.handler,
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

      if (spec.vault === VaultAccess.ReadWrite) {
        props.vault.grantVaultReadWrite(fn, vaultPrefix);
        props.vaultKey.grantWrapKeys(fn);
      } else if (spec.vault === VaultAccess.Prune) {
        props.vault.grantVaultPrune(fn, vaultPrefix, props.objectLockMode !== undefined);
        props.vaultKey.grantWrapKeys(fn);
      } else if (spec.vault === VaultAccess.Read) {
        props.vault.grantVaultRead(fn, vaultPrefix);
        props.vaultKey.grantUnwrapKeys(fn);
      }
      if (spec.vault !== VaultAccess.None) scopedWildcards.push(props.vault.bucket.arnForObjects(`${vaultPrefix}/*`));
      if (spec.vault === VaultAccess.ReadWrite) scopedWildcards.push(props.vault.bucket.arnForObjects(`${vaultPrefix}/staging/*`));
      acknowledgeWildcardResources(fn.role, scopedWildcards, 'Scoped wildcard: the objects under the vault prefix (or its staging area) of the vault bucket, or the indexes of the catalog table.');

      if (spec.data) grantData(fn, spec.data, data);
      if (database) grantDatabaseAccess(fn, database);

      if (spec.events) {
        fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [defaultBusArn] }));
      }
      return fn;
    };

    this.functions = Object.fromEntries(
      Object.entries<WorkflowStepSpec<K>>(props.steps).map(([step, spec]) => [step, build(spec)]),
    ) as Record<S, HavenFunction>;
  }

  /**
   * The functions of the steps that publish outcome events (`events: true`),
   * which notifications attach to.
   *
   * @returns those functions, in workflow order
   */
  eventPublishers(): HavenFunction[] {
    return (Object.keys(this.steps) as S[]).filter((step) => this.steps[step].events).map((step) => this.functions[step]);
  }

  /**
   * Each step's function keyed by its ASL placeholder, as
   * {@link WorkflowStateMachine} takes them.
   *
   * @returns the functions by substitution key
   */
  bySubstitution(): Record<K, lambda.IFunction> {
    const bySubstitution: Partial<Record<K, lambda.IFunction>> = {};
    for (const step of Object.keys(this.steps) as S[]) bySubstitution[this.steps[step].substitution] = this.functions[step].function;
    return bySubstitution as Record<K, lambda.IFunction>;
  }
}

interface ResolvedData {
  readonly label: string;
  readonly setting: string;
  readonly tableArns: readonly string[];
  readonly bucketArns: readonly string[];
}

/** Adds one statement per non-empty action list of `access`, on exactly the listed ARNs. */
function grantData(fn: HavenFunction, access: DataAccess, data: ResolvedData): void {
  const statement = (actions: readonly string[] | undefined, resources: string[]) => {
    if (!actions || actions.length === 0 || resources.length === 0) return [];
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    return resources.filter((arn) => arn.endsWith('/*'));
  };
  const wildcards = [
    ...statement(access.tableActions, data.tableArns.flatMap((arn) => (access.tableIndexes ? [arn, `${arn}/index/*`] : [arn]))),
    ...statement(access.bucketActions, [...data.bucketArns]),
    ...statement(access.objectActions, data.bucketArns.map((arn) => `${arn}/*`)),
  ];
  acknowledgeWildcardResources(
    fn.role,
    wildcards,
    `Scoped wildcard: the objects of a listed ${data.label} bucket, or the indexes of a listed ${data.label} table (${data.setting}).`,
  );
}

function validArns(label: string, kind: SourceKind, arns: readonly string[] | undefined): string[] {
  const list = [...new Set(arns ?? [])];
  const problem = sourceArnsProblem(kind, list);
  if (problem) throw new InvalidPropsError(`${label} ${kind} ARNs: ${problem}`);
  return list;
}
