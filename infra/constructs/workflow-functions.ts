/**
 * A workflow's Lambda functions, one per Task state, built from its step
 * table ({@link workflowSteps}): each step is declared once, under its name
 * (the export of the workflow's entry file it runs), with the ASL
 * placeholder its ARN fills, its sizing, and exactly what it may touch:
 *
 * - the catalog: one {@link CatalogAccess} level (none, read, read/write);
 * - the vault: one {@link VaultAccess} level (none, read, write, prune),
 *   plus deletes under `staging/` for the steps that clear what a run staged;
 * - the workflow's listed data tables and buckets (a backup's sources, a
 *   restore's targets): the DynamoDB and S3 actions the spec lists, on
 *   exactly those ARNs (and their `/index/*` or `/*` when the spec says so),
 *   and the listed customer-managed keys' actions through those services;
 * - databases (PostgreSQL): the listed secrets, and the listed keys'
 *   `kms:Decrypt` through Secrets Manager;
 * - outcome events: `events:PutEvents` on the default bus (and the
 *   notification topic, which the stack attaches to {@link WorkflowFunctions.eventPublishers}).
 *
 * The backup, restore, verify and prune workflows are step tables over this
 * construct; their state machines take {@link WorkflowFunctions.bySubstitution}.
 */
import { type Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HavenEnv } from '../../control/env.js';
import { InvalidPropsError } from '../errors.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { SourceKind, sourceArnsProblem } from '../source-arns.js';
import { KeyService, viaService } from '../via-service.js';
import type { CatalogAccess, CatalogTable } from './catalog-table.js';
import { grantDatabaseAccess, validateDatabaseAccess, type DatabaseAccess } from './database-access.js';
import { HavenFunction, type HavenLogLevel } from './haven-function.js';
import { anyVaultKeys, DEFAULT_VAULT_PREFIX, VaultAccess, type VaultBucket } from './vault-bucket.js';
import { grantVaultBuckets, vaultBucketsEnvironment, type ExtraVaultBucket } from './vault-buckets.js';
import type { VaultKey } from './vault-key.js';

export { CatalogAccess } from './catalog-table.js';
export { VaultAccess } from './vault-bucket.js';

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
  /**
   * KMS actions on the workflow's listed customer-managed keys, through the
   * services the lists above use (DynamoDB for tables, S3 for objects):
   * `kms:Decrypt` to read, `kms:GenerateDataKey` too to write. @default none
   */
  readonly keyActions?: readonly string[];
}

/**
 * What a workflow declares about one step, once: the ASL placeholder its
 * function's ARN fills, its sizing and what it may touch. Its name is its
 * key in the workflow's step table, which is also the name of the export
 * of the workflow's entry file it runs; see {@link workflowSteps}.
 */
export interface StepDeclaration<K extends string = string> {
  /** The ASL placeholder its ARN fills (`${Key}` in the workflow's `statemachines/*.asl.json`). */
  readonly substitution: K;
  readonly description: string;
  /** MiB. */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** What it does with the catalog. */
  readonly catalog: CatalogAccess;
  /** What it does with the vault. */
  readonly vault: VaultAccess;
  /** Deletes what a run staged (`<vault prefix>/staging/*`). @default false */
  readonly clearsStaging?: boolean;
  /** Publishes outcome events: EventBridge's default bus and the notification topic. */
  readonly events: boolean;
  /** What it may do to the listed tables and buckets. @default nothing */
  readonly data?: DataAccess;
  /** Connects to databases (PostgreSQL): gets the workflow's {@link DatabaseAccess}. @default false */
  readonly database?: boolean;
  /**
   * Why the step is safe to start again while an earlier attempt of the
   * same item may still run: only such steps' Task states retry
   * `States.Timeout` (test/e2e/asl-timeouts.test.ts holds the ASL to
   * it). Absent: the step creates records or snapshots, loads a target a
   * second time would duplicate, builds indexes, forgets or deletes, or
   * announces an outcome no record guards. @default not rerunnable
   */
  readonly rerunnable?: string;
}

/** How one step's function is built and what it may do: its declaration, with what derives from its name. */
export interface WorkflowStepSpec<K extends string> extends StepDeclaration<K> {
  /** The construct id: the step's name, capitalized (`checkPacks` → `CheckPacks`). */
  readonly id: string;
  /** Absolute path of the TypeScript entry file (the workflow's). */
  readonly entry: string;
  /** The entry's export Lambda calls: the step's name. */
  readonly handler: string;
}

/** The ASL placeholders a step table's steps fill. */
export type SubstitutionKeyOf<D extends Readonly<Record<string, StepDeclaration>>> = D[keyof D]['substitution'];

/** A step table's specs: each declaration with its construct id, entry and handler. */
export type WorkflowStepSpecs<D extends Readonly<Record<string, StepDeclaration>>> = {
  readonly [S in keyof D & string]: D[S] & WorkflowStepSpec<D[S]['substitution']> & { readonly handler: S };
};

/**
 * A workflow's step specs from its step table. Every step runs the
 * workflow's one entry file and calls the export named as the step (the
 * table is declared `satisfies Record<keyof typeof Handlers, …>` over that
 * entry, so the compiler holds the table and the exports to the same
 * names); its construct id is its name capitalized.
 *
 * @param entry - the absolute path of the workflow's entry file
 * @param steps - the step table, in workflow order
 * @returns each step's spec, in the same order
 */
export function workflowSteps<const D extends Readonly<Record<string, StepDeclaration>>>(entry: string, steps: D): WorkflowStepSpecs<D> {
  return Object.fromEntries(
    Object.entries(steps).map(([step, declared]) => [step, { ...declared, id: `${step.charAt(0).toUpperCase()}${step.slice(1)}`, entry, handler: step }]),
  ) as WorkflowStepSpecs<D>;
}

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
  /** Exact ARNs of the customer-managed KMS keys encrypting them (or the databases' secrets). @default none */
  readonly kmsKeyArns?: readonly string[];
}

/** What every workflow's functions are built on: the vault, its key, the catalog, and logging. */
export interface WorkflowResources {
  readonly vault: VaultBucket;
  readonly vaultKey: VaultKey;
  readonly catalog: CatalogTable;
  /** The vault's key prefix in the bucket. @default `vault` */
  readonly vaultPrefix?: string;
  /** The deployment's other vault buckets: the steps get the same vault access on them. @default none */
  readonly vaultBuckets?: readonly ExtraVaultBucket[];
  readonly logLevel?: HavenLogLevel;
  readonly logRetention?: logs.RetentionDays;
}

/** Props of {@link WorkflowFunctions}. */
export interface WorkflowFunctionsProps<S extends string, K extends string> extends WorkflowResources {
  /** Every step's spec, in workflow order. */
  readonly steps: Readonly<Record<S, WorkflowStepSpec<K>>>;
  /** The tables and buckets the steps' data grants name. @default none */
  readonly data?: WorkflowData;
  /** The vault bucket's Object Lock mode, when it has Object Lock (set as {@link HavenEnv.ObjectLockMode}). @default none */
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
      kmsKeyArns: validArns(label, SourceKind.Key, props.data?.kmsKeyArns),
    };
    const vaultPrefix = props.vaultPrefix ?? DEFAULT_VAULT_PREFIX;
    const environment = {
      [HavenEnv.CatalogTable]: props.catalog.table.tableName,
      [HavenEnv.VaultUri]: props.vault.vaultUri(vaultPrefix),
      [HavenEnv.KmsKeyId]: props.vaultKey.key.keyArn,
      ...(props.objectLockMode ? { [HavenEnv.ObjectLockMode]: props.objectLockMode } : {}),
      ...vaultBucketsEnvironment(props.vaultBuckets),
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

      props.catalog.grant(fn, spec.catalog);
      props.vault.grantVault(fn, spec.vault, { prefix: vaultPrefix, clearStaging: spec.clearsStaging, objectLock: props.objectLockMode !== undefined });
      const vaultWildcards = [
        ...(spec.vault === VaultAccess.None ? [] : [props.vault.bucket.arnForObjects(anyVaultKeys())]),
        ...(spec.clearsStaging && spec.vault !== VaultAccess.Prune ? [props.vault.bucket.arnForObjects(anyVaultKeys('staging'))] : []),
      ];
      acknowledgeWildcardResources(fn.role, vaultWildcards, 'Scoped wildcard: the objects of the vaults (or their staging areas) in the vault bucket; jobs choose a vault path at run time.');
      grantVaultBuckets(fn.role, spec.vault, props.vaultBuckets, { clearStaging: spec.clearsStaging });

      if (spec.data) grantData(fn, spec.data, data);
      if (database) {
        grantDatabaseAccess(fn, database);
        // Secrets under a customer-managed key: Secrets Manager decrypts them with the caller's authority.
        grantKeys(fn, ['kms:Decrypt'], data.kmsKeyArns, [KeyService.SecretsManager]);
      }

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
  readonly kmsKeyArns: readonly string[];
}

/** One statement: `actions` on the listed keys, only through `services`. */
function grantKeys(fn: HavenFunction, actions: readonly string[], keyArns: readonly string[], services: readonly KeyService[]): void {
  if (actions.length === 0 || keyArns.length === 0 || services.length === 0) return;
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [...keyArns], conditions: viaService(fn, services) }));
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
  const services = [
    ...(access.tableActions?.length && data.tableArns.length ? [KeyService.DynamoDB] : []),
    // Only object reads and writes use a bucket's key (listing and HeadBucket do not).
    ...(access.objectActions?.length && data.bucketArns.length ? [KeyService.S3] : []),
  ];
  grantKeys(fn, access.keyActions ?? [], data.kmsKeyArns, services);
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
