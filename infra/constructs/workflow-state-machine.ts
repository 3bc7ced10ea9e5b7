/**
 * A workflow: a Step Functions state machine whose Amazon States Language
 * lives in a file under `statemachines/`, with the ARNs of its Lambda
 * functions filled in through definition substitutions: one per step, keyed
 * by the step's placeholder (`WorkflowFunctions.bySubstitution` in workflow-functions.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable, type Grant } from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';

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
    const used = aslPlaceholders(readFileSync(props.definitionFile, 'utf8'));
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
