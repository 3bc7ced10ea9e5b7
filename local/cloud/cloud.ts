/**
 * The local cloud: Haven's synthesized CloudFormation template deployed into
 * the moto emulator and run the way AWS runs it.
 *
 * - The template is synthesized in-process and provisioned resource by
 *   resource (provision.ts): buckets, keys, the catalog table, roles,
 *   functions, state machines, schedules, topics.
 * - moto's Step Functions interpreter runs the state machines; its Lambda
 *   invocations reach the {@link FunctionHost}, which runs each function's
 *   entry with the template's environment, timeout and payload limits.
 * - Every AWS call a function makes (and the state machines' own Lambda and
 *   S3 calls) goes through the IAM proxy, which authorizes it against the
 *   caller's role policies from the template before moto sees it.
 *
 * Resources get names derived from a unique stack name, so several clouds
 * (parallel tests) share one emulator without colliding.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Catalog } from '../../control/catalog/catalog.js';
import { HavenEnv } from '../../control/env.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { workflowDeps } from '../../functions/shared/deps.js';
import { EVENT_SOURCE } from '../../control/notifications/eventbridge.js';
import { repoRoot } from '../emulator/paths.js';
import { bundleEntries } from '../functions/bundle.js';
import { CONTAINER_MAIN_SOURCE } from '../functions/container.js';
import { FunctionHost, type FaultInjector, type HostedFunction } from '../functions/host.js';
import { startIamProxy, type IamProxy } from '../iam/index.js';
import type { IamWorld, ObservedCall, PolicyDocument, Principal } from '../iam/types.js';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../vault/aws/clients.js';
import { LocalStackError } from '../node-version.js';
import type { Deployment, DeployedFunction } from './deployment.js';
import { Workflows } from './workflows.js';
import { CloudScheduler, type CloudSchedulerOptions } from './scheduler.js';
import { startApiGateway, type ApiGatewayOptions, type LocalApiServer } from './api-gateway.js';
import { provision, type AccountSettings } from './provision.js';
import type { SynthOptions } from './synth.js';
import { LOCAL_ENV } from './env.js';
import { loadTemplate, type GrantedResources } from './template-cache.js';
import { copyVaultBuckets, joinCopyVaults, provisionCopyVaults, type CopyVaultRequest, type LocalCopyVault } from './copy-vaults.js';
import { parseVaultBuckets } from '../../control/vaults/registry.js';

/** The access key id of the harness's (and the operator's) own, unrestricted calls. */
export const ADMIN_ACCESS_KEY = 'testing';

/** The environment's emulator is missing. */
export class NoEmulatorError extends LocalStackError {
  override readonly name = 'NoEmulatorError';
}

/** Options of {@link LocalCloud.start}. */
export interface LocalCloudOptions extends GrantedResources, Pick<SynthOptions, 'extend' | 'editTemplate' | 'props'> {
  /** Prefix of the unique stack name (default `haven`). */
  name?: string;
  /** More CDK context (Object Lock, …). */
  context?: Readonly<Record<string, unknown>>;
  /** Faults to inject into function invocations (the emulator cannot make one Map iteration fail). */
  faults?: FaultInjector;
  /** Sees every call the IAM proxy handles (debugging, and tests that check who called what). */
  onCall?: (call: ObservedCall) => void;
  /**
   * Variables added to every function's environment on top of the
   * template's. Tests only, for switches the code offers for them (the API
   * tests turn off the per-caller rate limit that would refuse their 11th
   * job); a deployment sets nothing this way.
   */
  environment?: Readonly<Record<string, string>>;
  /** What the account already holds (a fresh account by default). */
  account?: AccountSettings;
  /**
   * Copy vaults to deploy first, each in another region (the copy vault
   * stack, infra/copy-vault-stack.ts); the Haven stack lists them in
   * `haven:vaultBuckets`. See {@link LocalCloud.copyVaults}.
   */
  copyVaults?: readonly CopyVaultRequest[];
  /**
   * Enforce IAM (default true). `false` is for debugging only: the proxy
   * prints a loud warning and still reports every decision.
   */
  enforceIam?: boolean;
}

/** The runtime variables Lambda sets for a function (credentials are its role's, by name). */
function runtimeEnvironment(fn: DeployedFunction, proxyUrl: string): Record<string, string> {
  return {
    ...fn.environment,
    AWS_ENDPOINT_URL: proxyUrl,
    AWS_REGION: LOCAL_ENV.region,
    AWS_DEFAULT_REGION: LOCAL_ENV.region,
    AWS_ACCESS_KEY_ID: fn.roleName,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    TZ: 'UTC',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.POWERTOOLS_LOG_LEVEL ? { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL } : {}),
  };
}

/** A deployed local cloud. */
export class LocalCloud {
  private depsInstance: WorkflowDeps | undefined;

  private constructor(
    /** Outcome events the functions put on the default event bus, in order. */
    readonly events: OutcomeEvent[],
    /** Calls the IAM proxy denied (and, with enforcement off, would have denied). */
    readonly denials: ObservedCall[],
    readonly deployment: Deployment,
    readonly host: FunctionHost,
    private readonly proxy: IamProxy,
    /** Starts and follows executions of the template's state machines. */
    readonly workflows: Workflows,
    /** The unique suffix of this cloud's names. */
    readonly suffix: string,
    /** The copy vaults deployed with `copyVaults`, in the order asked. */
    readonly copyVaults: readonly LocalCopyVault[],
  ) {}

  /**
   * Synthesizes the template, provisions it into the emulator at
   * `AWS_ENDPOINT_URL` and starts the function host and the IAM proxy.
   */
  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const upstream = process.env.AWS_ENDPOINT_URL;
    if (!upstream) throw new NoEmulatorError('AWS_ENDPOINT_URL must point at the emulator (npm test and npm run local start one)');
    const suffix = randomBytes(3).toString('hex');
    const stackName = `${options.name ?? 'haven'}-${suffix}`;
    const host = new FunctionHost({ logDir: join(repoRoot, '.haven', 'cloud', 'logs', stackName), ...(options.faults ? { faults: options.faults } : {}) });
    const functionHostUrl = await host.start();

    let deployment: Deployment | undefined;
    let copyVaults: LocalCopyVault[] = [];
    const empty = new Map<string, never>();
    const world: IamWorld = {
      accountId: LOCAL_ENV.account,
      region: LOCAL_ENV.region,
      get resourcePolicies() {
        return deployment?.resourcePolicies ?? empty;
      },
      get bucketKeys() {
        return deployment?.bucketKeys ?? empty;
      },
      get tableKeys() {
        return deployment?.tableKeys ?? empty;
      },
      get secretKeys() {
        return deployment?.secretKeys ?? empty;
      },
      keyArnOf: (id) => [deployment, ...copyVaults.map((c) => c.deployment)].reduce<string | undefined>((found, d) => found ?? keyArnOf(d, id), undefined),
    };
    const principals = new Map<string, Principal>();
    const events: OutcomeEvent[] = [];
    const denials: ObservedCall[] = [];
    const proxy = await startIamProxy({
      upstream,
      world,
      enforce: options.enforceIam ?? true,
      principalFor: (key) => (key === ADMIN_ACCESS_KEY ? 'unrestricted' : principals.get(key)),
      // moto can let two conditional writes of one item both pass; DynamoDB serializes them. The
      // template's own tables (the catalog: leases, transitions) get that back; data tables don't need it.
      serializeKey: ({ service, operation, params }) =>
        service === 'dynamodb' && DYNAMODB_WRITES.has(operation) && deployment && ownTables(deployment).has(String(params.TableName)) ? `dynamodb:${String(params.TableName)}` : undefined,
      observe: (call) => {
        options.onCall?.(call);
        if (!call.decision.allowed || call.decision.deniedItems?.length) denials.push(call);
        if (call.service === 'events' && call.operation === 'PutEvents' && call.decision.allowed) events.push(...outcomeEvents(call.parameters));
      },
    });
    try {
      const targets = { proxyUrl: proxy.url, functionHostUrl };
      copyVaults = await provisionCopyVaults(options.copyVaults ?? [], stackName, targets);
      const synthesized = await loadTemplate({
        stackName,
        env: LOCAL_ENV,
        granted: { sourceTables: options.sourceTables, sourceBuckets: options.sourceBuckets, restoreTables: options.restoreTables, restoreBuckets: options.restoreBuckets },
        vaultBuckets: copyVaultBuckets(copyVaults),
        ...(options.context ? { context: options.context } : {}),
        ...(options.props ? { props: options.props } : {}),
        ...(options.extend ? { extend: options.extend } : {}),
        ...(options.editTemplate ? { editTemplate: options.editTemplate } : {}),
      });
      deployment = await provision(synthesized, targets, LOCAL_ENV, options.account);
      joinCopyVaults(deployment, copyVaults);
    } catch (error) {
      await Promise.all([host.close(), proxy.close()]);
      throw error;
    }
    for (const role of deployment.roles.values()) principals.set(role.name, { arn: role.arn, policies: role.policies });
    const bundles = await bundleEntries([CONTAINER_MAIN_SOURCE, ...deployment.functions.map((fn) => fn.entry)]);
    const containerMain = bundles.get(CONTAINER_MAIN_SOURCE)!;
    for (const fn of deployment.functions) {
      host.register(hostedFunction({ ...fn, entry: bundles.get(fn.entry)!, environment: { ...fn.environment, ...options.environment } }, containerMain, proxy.url));
    }
    return new LocalCloud(events, denials, deployment, host, proxy, new Workflows(deployment), suffix, copyVaults);
  }

  /** A template output by name (`VaultBucketName`, `CatalogTableName`, …). */
  output(name: string): string {
    const value = this.deployment.outputs[name];
    if (value === undefined) throw new LocalStackError(`the template has no output ${name}`);
    return value;
  }

  /** The vault bucket's name. */
  get bucket(): string {
    return this.output('VaultBucketName');
  }

  /** The vault key's ARN. */
  get kmsKeyArn(): string {
    return this.output('VaultKeyArn');
  }

  /** The catalog table's name. */
  get catalogTable(): string {
    return this.output('CatalogTableName');
  }

  /** The vault's URI, as the functions' environment names it. */
  get vaultUri(): string {
    const uri = this.deployment.functions.map((f) => f.environment[HavenEnv.VaultUri]).find(Boolean);
    if (!uri) throw new LocalStackError(`no function names the vault (${HavenEnv.VaultUri})`);
    return uri;
  }

  /** The catalog, read and written with the harness's own (unrestricted) credentials. */
  get catalog(): Catalog {
    return this.deps.catalog;
  }

  /** A deployed function by the end of its construct path (`Backup/ExportPartition`). */
  fn(pathSuffix: string): DeployedFunction {
    const found = this.deployment.functions.filter((f) => f.path.endsWith(pathSuffix));
    if (found.length !== 1) throw new LocalStackError(`${found.length} functions match ${pathSuffix}: ${found.map((f) => f.path).join(', ')}`);
    return found[0]!;
  }

  /** The IAM proxy's URL: calls signed with a role's name as access key id are authorized as that role. */
  get proxyUrl(): string {
    return this.proxy.url;
  }

  /**
   * The workflow steps' dependencies with the harness's own credentials, for
   * tests that inspect or prepare the vault and catalog directly.
   */
  get deps(): WorkflowDeps {
    const vaultBuckets = parseVaultBuckets(this.deployment.functions.map((f) => f.environment[HavenEnv.VaultBuckets]).find(Boolean));
    this.depsInstance ??= workflowDeps({ catalogTable: this.catalogTable, vaultUri: this.vaultUri, kmsKeyId: this.kmsKeyArn, events: 'off', region: LOCAL_ENV.region, ...(vaultBuckets.length > 0 ? { vaultBuckets } : {}) });
    return this.depsInstance;
  }

  /** A scheduler firing the template's schedule group (system schedules and the API's job schedules). */
  scheduler(options: CloudSchedulerOptions = {}): CloudScheduler {
    return new CloudScheduler(this.output('ScheduleGroupName'), this.proxy.url, options);
  }

  /** Serves the template's REST API (the local API Gateway). */
  serveApi(options: ApiGatewayOptions = {}): Promise<LocalApiServer> {
    return startApiGateway(this.deployment, this.host, options);
  }

  /**
   * Tells the IAM proxy that a resource made outside the template (a test's
   * source table, bucket or secret) is encrypted under a customer-managed
   * key, as AWS knows from the resource itself: calls on it then also need
   * the key, on the caller's behalf, and the key's own policy (read from
   * the emulator) decides with the caller's policies.
   */
  async declareEncryption(kind: 'table' | 'bucket' | 'secret', name: string, keyArn: string): Promise<void> {
    const maps = { table: this.deployment.tableKeys, bucket: this.deployment.bucketKeys, secret: this.deployment.secretKeys } as const;
    if (!this.deployment.resourcePolicies.has(keyArn)) {
      const out = await kmsClient().send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
      this.deployment.resourcePolicies.set(keyArn, JSON.parse(out.Policy!) as PolicyDocument);
    }
    maps[kind].set(name, keyArn);
  }

  /** Replaces the fault injector. */
  setFaults(faults: FaultInjector | undefined): void {
    this.host.setFaults(faults);
  }

  /** Stops the function host and the proxy (the emulator's resources stay; names never collide). */
  async close(): Promise<void> {
    await this.host.close();
    await this.proxy.close();
  }
}

/** DynamoDB operations that write one item conditionally. */
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

const tablesOf = new WeakMap<Deployment, Set<string>>();

/** The names of the tables the template creates. */
function ownTables(deployment: Deployment): Set<string> {
  let tables = tablesOf.get(deployment);
  if (!tables) {
    tables = new Set([...deployment.resources.values()].filter((r) => r.type.startsWith('AWS::DynamoDB::')).map((r) => r.ref));
    tablesOf.set(deployment, tables);
  }
  return tables;
}

function keyArnOf(deployment: Deployment | undefined, id: string): string | undefined {
  if (!deployment) return undefined;
  if (id.startsWith('arn:aws:kms:') && id.includes(':key/')) return id;
  const alias = id.startsWith('arn:aws:kms:') ? id.slice(id.indexOf(':alias/') + 1) : id;
  if (alias.startsWith('alias/')) return deployment.aliases.get(alias);
  for (const resource of deployment.resources.values()) if (resource.type === 'AWS::KMS::Key' && resource.ref === id) return String(resource.attributes.Arn);
  return undefined;
}

function hostedFunction(fn: DeployedFunction, containerMain: string, proxyUrl: string): HostedFunction {
  return {
    containerMain,
    name: fn.name,
    arn: fn.arn,
    path: fn.path,
    entry: fn.entry,
    handler: fn.handler,
    environment: runtimeEnvironment(fn, proxyUrl),
    timeoutSeconds: fn.timeoutSeconds,
    memoryMb: fn.memoryMb,
    logGroupName: fn.logGroupName,
  };
}

/** Haven's outcome events in a PutEvents call's parameters. */
function outcomeEvents(parameters: Readonly<Record<string, unknown>>): OutcomeEvent[] {
  const entries = (parameters.Entries ?? []) as Array<{ Source?: string; DetailType?: string; Detail?: string }>;
  const out: OutcomeEvent[] = [];
  for (const entry of entries) {
    if (entry.Source !== EVENT_SOURCE || !entry.Detail) continue;
    try {
      out.push({ detailType: entry.DetailType, detail: JSON.parse(entry.Detail) } as OutcomeEvent);
    } catch {
      // not one of Haven's
    }
  }
  return out;
}
