/**
 * Where backup schedules live: an EventBridge Scheduler schedule group, and
 * the role schedules assume to start the backup workflow.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { BackupSubstitutionKey } from './backup-functions.js';
import type { WorkflowStateMachine } from './workflow-state-machine.js';
import { SCHEDULE_ENV } from '../../control/schedules/env.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { havenNames } from '../names.js';
import { SystemSchedule, type SystemScheduleProps } from './system-schedule.js';

/** What the API may do to job schedules (in Haven's group only). */
export const SCHEDULE_MANAGEMENT_ACTIONS = ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'] as const;

/** Props of {@link HavenScheduler}. */
export interface HavenSchedulerProps {
  /** The workflow schedules start: the backup workflow (never the restore one). */
  readonly backupStateMachine: WorkflowStateMachine<BackupSubstitutionKey>;
  /** @default the stack's name in lower case (see infra/names.ts) */
  readonly scheduleGroupName?: string;
}

/**
 * A schedule group plus a role assumable only by EventBridge Scheduler on
 * behalf of this account's schedule group, allowed nothing but
 * `states:StartExecution` on the backup state machine.
 */
export class HavenScheduler extends Construct {
  /** The schedule group. */
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  /** The group's name. */
  readonly scheduleGroupName: string;
  /** The role every Haven schedule runs as. */
  readonly role: iam.Role;
  /** The backup state machine's ARN (the target of job schedules). */
  readonly backupStateMachineArn: string;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the workflow and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: HavenSchedulerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.scheduleGroupName = props.scheduleGroupName ?? havenNames(stack.stackName).scheduleGroupName;
    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'Group', { name: this.scheduleGroupName });

    // Confused-deputy guard: only this account's schedules in this group.
    // Scheduler's source ARN is the schedule *group*, never a schedule.
    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by EventBridge Scheduler to start Haven backups',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.scheduleGroup.attrArn },
        },
      }),
    });
    props.backupStateMachine.grantStartExecution(this.role);
    this.backupStateMachineArn = props.backupStateMachine.stateMachine.stateMachineArn;
  }

  /** The ARN of the role job schedules run as. */
  get roleArn(): string {
    return this.role.roleArn;
  }

  /** ARNs of every schedule in Haven's group (`schedule/<group>/*`). */
  get schedulesArn(): string {
    return Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  }

  /**
   * The environment the API function needs to keep job schedules in step
   * (read by `scheduleOptionsFromEnv` in control/schedules).
   *
   * @returns group name, role ARN and backup state machine ARN by variable name
   */
  scheduleEnvironment(): Record<string, string> {
    return {
      [SCHEDULE_ENV.groupName]: this.scheduleGroupName,
      [SCHEDULE_ENV.roleArn]: this.role.roleArn,
      [SCHEDULE_ENV.stateMachineArn]: this.backupStateMachineArn,
    };
  }

  /**
   * Lets a principal (the API function) create, update, delete and read the
   * schedules of Haven's group, and pass the schedule role to Scheduler.
   * Acknowledges the scoped `schedule/<group>/*` wildcard on the grantee.
   *
   * @param grantee - the principal that manages job schedules
   * @returns the grant of the Scheduler actions
   */
  grantManageSchedules(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: [...SCHEDULE_MANAGEMENT_ACTIONS], resourceArns: [this.schedulesArn] });
    this.grantPassRole(grantee);
    const principal = grantee.grantPrincipal;
    if (principal instanceof Construct) {
      acknowledgeWildcardResources(principal, [this.schedulesArn], 'Scoped wildcard: the schedules of Haven\'s own schedule group, one per job, named when jobs are created.');
    }
    return grant;
  }

  /**
   * Adds one of Haven's own schedules (a sweep) to the group.
   *
   * @param id - the construct id
   * @param props - everything but the group
   * @returns the schedule
   */
  addSystemSchedule(id: string, props: Omit<SystemScheduleProps, 'group'>): SystemSchedule {
    return new SystemSchedule(this, id, { ...props, group: this.scheduleGroup });
  }

  /**
   * Lets a principal hand the schedule role to EventBridge Scheduler
   * (`iam:PassRole` on that role only), as creating a schedule requires.
   *
   * @param grantee - the principal that creates schedules
   * @returns the grant
   */
  grantPassRole(grantee: iam.IGrantable): iam.Grant {
    return this.role.grantPassRole(grantee.grantPrincipal);
  }
}
