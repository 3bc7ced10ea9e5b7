/**
 * A schedule Haven itself runs (a retention sweep, a verification sweep):
 * one EventBridge Scheduler schedule in Haven's group that starts a state
 * machine with a fixed input, under its own role allowed nothing but
 * `states:StartExecution` on that machine.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { parseExpression } from '../../control/schedules/expression.js';
import { canonicalTimeZone } from '../../control/schedules/time-zone.js';
import { TARGET_RETRY_POLICY } from '../../control/schedules/sync.js';
import { InvalidPropsError } from '../errors.js';

/** Props of {@link SystemSchedule}. */
export interface SystemScheduleProps {
  /** Haven's schedule group. */
  readonly group: scheduler.CfnScheduleGroup;
  /** `cron(...)` or `rate(...)`, checked at synth time as the API checks job schedules. */
  readonly expression: string;
  /** IANA zone the expression runs in. @default `UTC` */
  readonly timezone?: string;
  /** The state machine started. */
  readonly stateMachine: sfn.IStateMachine;
  /** The execution input (JSON). */
  readonly input: Readonly<Record<string, unknown>>;
  /** @default none */
  readonly description?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** Minutes Scheduler may delay a start to spread load (0 is off). @default 0 */
  readonly flexibleWindowMinutes?: number;
}

/** One of Haven's own schedules. */
export class SystemSchedule extends Construct {
  /** The schedule. */
  readonly schedule: scheduler.CfnSchedule;
  /** The role the schedule runs as. */
  readonly role: iam.Role;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the group, expression, zone, state machine and input
   * @throws InvalidPropsError when the expression, zone or window is invalid
   */
  constructor(scope: Construct, id: string, props: SystemScheduleProps) {
    super(scope, id);
    let expression: string;
    let timezone: string;
    try {
      expression = parseExpression(props.expression).expression;
      timezone = canonicalTimeZone(props.timezone ?? 'UTC');
    } catch (error) {
      throw new InvalidPropsError(`SystemSchedule ${id}: ${(error as Error).message}`);
    }
    const minutes = props.flexibleWindowMinutes ?? 0;
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) throw new InvalidPropsError(`SystemSchedule ${id}: flexibleWindowMinutes must be 0-1440, got ${minutes}`);

    this.role = new iam.Role(this, 'Role', {
      description: `Assumed by EventBridge Scheduler to run Haven's ${id} schedule`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account, 'aws:SourceArn': props.group.attrArn } },
      }),
    });
    props.stateMachine.grantStartExecution(this.role);

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      groupName: props.group.ref,
      description: props.description,
      scheduleExpression: expression,
      scheduleExpressionTimezone: timezone,
      state: props.enabled === false ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow: minutes > 0 ? { mode: 'FLEXIBLE', maximumWindowInMinutes: minutes } : { mode: 'OFF' },
      target: {
        arn: props.stateMachine.stateMachineArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(props.input),
        retryPolicy: { maximumEventAgeInSeconds: TARGET_RETRY_POLICY.MaximumEventAgeInSeconds, maximumRetryAttempts: TARGET_RETRY_POLICY.MaximumRetryAttempts },
      },
    });
    // The role's policy must exist before Scheduler validates the target.
    this.schedule.node.addDependency(this.role);
  }
}
