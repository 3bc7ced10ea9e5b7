/**
 * A workflow: a Step Functions state machine whose Amazon States Language
 * lives in a file under `statemachines/`, with the ARNs of its Lambda
 * functions filled in through definition substitutions: one per step, keyed
 * by the step's placeholder (`WorkflowFunctions.bySubstitution` in workflow-functions.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, type IGrantable, type Grant } from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { KeyService, viaService } from '../via-service.js';
import { anyVaultKeys, type VaultBucket } from './vault-bucket.js';
import { vaultBucketsStagingArns, type ExtraVaultBucket } from './vault-buckets.js';
import type { VaultKey } from './vault-key.js';

/** Props of {@link WorkflowStateMachine}. */
export interface WorkflowStateMachineProps<K extends string> {
  /** Absolute path of the ASL file. */
  readonly definitionFile: string;
  /** The function behind each `${…FunctionArn}` placeholder (Task `Resource`s): every placeholder the definition uses, and no other. */
  readonly functions: Readonly<Record<K, lambda.IFunction>>;
  /** How long execution logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Where the definition's Distributed Maps read their item lists: the vault's staging area. Required when a Map has an `ItemReader`. */
  readonly itemLists?: ItemListLocation;
}

/** The vault whose staging area holds the item lists (vault/staging/item-list.ts) a workflow's Distributed Maps read. */
export interface ItemListLocation {
  readonly vault: VaultBucket;
  /** The vault bucket's key. */
  readonly vaultKey: VaultKey;
  /** The vault's key prefix in the bucket. @default `vault` */
  readonly vaultPrefix?: string;
  /** The deployment's other vault buckets: their vaults' staging areas hold item lists too. @default none */
  readonly vaultBuckets?: readonly ExtraVaultBucket[];
}

/** What a definition's Map states need from the state machine's role. */
export interface DistributedMapUse {
  /** Some Map runs in `DISTRIBUTED` mode (children are executions of the state machine). */
  readonly distributed: boolean;
  /** Some Map reads its items with an `ItemReader`. */
  readonly itemReader: boolean;
}

/**
 * Finds the Distributed Maps of a definition, at any depth.
 *
 * @param definition - the parsed ASL
 * @returns whether some Map is distributed, and whether some Map reads its items from S3
 */
export function distributedMapUse(definition: unknown): DistributedMapUse {
  let distributed = false;
  let itemReader = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Map') {
      const processor = (record.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig;
      distributed ||= processor?.Mode === 'DISTRIBUTED';
      itemReader ||= record.ItemReader !== undefined;
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return { distributed, itemReader };
}

/**
 * The `${Name}` placeholders of an ASL text.
 *
 * @param aslText - the definition
 * @returns each placeholder's name, once
 */
export function aslPlaceholders(aslText: string): string[] {
  return [...new Set([...aslText.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string))];
}

/**
 * A STANDARD state machine with X-Ray tracing and ALL-level logging
 * (execution data excluded: it may hold paths and job settings). Its role may
 * invoke exactly the workflow's functions (unqualified ARNs, as the
 * definition names them), besides logging and tracing.
 */
export class WorkflowStateMachine<K extends string> extends Construct {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Where the state machine logs. */
  readonly logGroup: logs.LogGroup;
  /** The substitutions applied to the definition, by key. */
  readonly substitutions: Readonly<Record<K, string>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the definition, its functions, and overrides of the defaults
   * @throws InvalidPropsError when the definition's placeholders and the substitution keys differ
   */
  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps<K>) {
    super(scope, id);
    // Caught here, not at deploy time: an unsubstituted placeholder would reach Step Functions as is.
    const aslText = readFileSync(props.definitionFile, 'utf8');
    const used = aslPlaceholders(aslText);
    const keys = Object.keys(props.functions) as K[];
    const missing = keys.filter((key) => !used.includes(key));
    const unknown = used.filter((name) => !(keys as string[]).includes(name));
    if (missing.length > 0 || unknown.length > 0) {
      throw new InvalidPropsError(
        `${path.basename(props.definitionFile)}: placeholders without a function: [${unknown.join(', ')}]; functions whose placeholder it never uses: [${missing.join(', ')}]`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps the CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 400 })}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.substitutions = Object.fromEntries(
      keys.map((key) => [key, props.functions[key].functionArn]),
    ) as Record<K, string>;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(props.definitionFile),
      definitionSubstitutions: { ...this.substitutions },
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // Not fn.grantInvoke: that also allows every version and alias (`<arn>:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values<string>(this.substitutions) }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray (PutTraceSegments, GetSampling*) and CloudWatch Logs delivery (*LogDelivery*, DescribeResourcePolicies) actions support no resource-level scoping.',
    });
    this.grantDistributedMaps(path.basename(props.definitionFile), distributedMapUse(JSON.parse(aslText)), props.itemLists);
  }

  /**
   * What Distributed Maps need, in a policy of its own: the state machine's
   * name is an attribute of the state machine, which depends on its role's
   * default policy, so a statement naming it there would be a cycle.
   * Children are executions of this state machine (`StartExecution` on it,
   * `DescribeExecution` and `StopExecution` on `execution:<name>/*`, its map
   * runs' executions); an item reader gets the vault's staging area
   * (`s3:GetObject`) and `kms:Decrypt` on the vault key through S3 for
   * that bucket only (the staged item lists are plaintext under the
   * bucket's SSE-KMS).
   */
  private grantDistributedMaps(file: string, use: DistributedMapUse, itemLists: ItemListLocation | undefined): void {
    if (!use.distributed && !use.itemReader) return;
    if (use.itemReader && !itemLists) throw new InvalidPropsError(`${file}: a Map reads an item list, so the workflow needs itemLists (the vault it is staged in)`);
    const stack = Stack.of(this);
    const name = this.stateMachine.stateMachineName;
    const statements: PolicyStatement[] = [];
    const wildcards: string[] = [];
    if (use.distributed) {
      const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
      statements.push(
        new PolicyStatement({ actions: ['states:StartExecution'], resources: [stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME })] }),
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }),
      );
      wildcards.push(executions);
    }
    if (use.itemReader && itemLists) {
      const staging = itemLists.vault.bucket.arnForObjects(anyVaultKeys('staging'));
      statements.push(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: [staging] }),
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [itemLists.vaultKey.key.keyArn],
          conditions: { StringEquals: { ...viaService(this, [KeyService.S3]).StringEquals, 'kms:EncryptionContext:aws:s3:arn': itemLists.vault.bucket.bucketArn } },
        }),
      );
      wildcards.push(staging);
      const others = vaultBucketsStagingArns(this, itemLists.vaultBuckets);
      if (others.length > 0) {
        statements.push(
          new PolicyStatement({ actions: ['s3:GetObject'], resources: others }),
          // Each key through S3 in its bucket's region.
          ...(itemLists.vaultBuckets ?? []).map((b) => new PolicyStatement({ actions: ['kms:Decrypt'], resources: [b.kmsKeyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${b.region}.${stack.urlSuffix}` } } })),
        );
        wildcards.push(...others);
      }
    }
    const policy = new Policy(this, 'DistributedMapPolicy', { statements, roles: [this.stateMachine.role] });
    acknowledgeWildcardResources(policy, wildcards, 'Scoped wildcard: the executions of this state machine\'s map runs, or the vault\'s staging area its Distributed Maps read item lists from.');
  }

  /**
   * Lets a principal start executions of the workflow (`states:StartExecution`
   * on this state machine only).
   *
   * @param grantee - the principal
   * @returns the grant
   */
  grantStartExecution(grantee: IGrantable): Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }
}
