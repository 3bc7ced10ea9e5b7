/**
 * The backup workflow: a Step Functions state machine whose Amazon States
 * Language lives in `statemachines/backup.asl.json`, with the ARNs of its
 * Lambda functions filled in through definition substitutions.
 */
import { Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable, type Grant } from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BACKUP_DEFINITION_FILE } from '../paths.js';

/**
 * Every `${Key}` placeholder the backup definition may use. A test checks the
 * ASL file uses no other, and that the synthesized template substitutes all.
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

/** Props of {@link BackupStateMachine}. */
export interface BackupStateMachineProps {
  /** The function behind each `${…FunctionArn}` placeholder (Task `Resource`s). */
  readonly functions: Readonly<Record<BackupSubstitutionKey, lambda.IFunction>>;
  /** The ASL file. @default `statemachines/backup.asl.json` */
  readonly definitionFile?: string;
  /** How long execution logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A STANDARD state machine with X-Ray tracing and ALL-level logging
 * (execution data excluded: it may hold paths and job settings). Its role may
 * invoke exactly the workflow's functions (unqualified ARNs, as the
 * definition names them), besides logging and tracing.
 */
export class BackupStateMachine extends Construct {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Where the state machine logs. */
  readonly logGroup: logs.LogGroup;
  /** The substitutions applied to the definition, by key. */
  readonly substitutions: Readonly<Record<BackupSubstitutionKey, string>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the workflow uses and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: BackupStateMachineProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps the CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 400 })}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.substitutions = Object.fromEntries(
      BACKUP_SUBSTITUTION_KEYS.map((key) => [key, props.functions[key].functionArn]),
    ) as Record<BackupSubstitutionKey, string>;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(props.definitionFile ?? BACKUP_DEFINITION_FILE),
      definitionSubstitutions: { ...this.substitutions },
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // Not fn.grantInvoke: that also allows every version and alias (`<arn>:*`).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: Object.values(this.substitutions) }),
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
