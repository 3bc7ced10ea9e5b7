/**
 * Where backup schedules live: an EventBridge Scheduler schedule group, and
 * the role schedules assume to start the backup workflow.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { BackupSubstitutionKey } from './backup-functions.js';
import type { WorkflowStateMachine } from './workflow-state-machine.js';

/** The schedule group's name unless told otherwise. */
export const DEFAULT_SCHEDULE_GROUP_NAME = 'haven';

/** Props of {@link HavenScheduler}. */
export interface HavenSchedulerProps {
  /** The workflow schedules start: the backup workflow (never the restore one). */
  readonly backupStateMachine: WorkflowStateMachine<BackupSubstitutionKey>;
  /** @default `haven` */
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

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the workflow and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: HavenSchedulerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.scheduleGroupName = props.scheduleGroupName ?? DEFAULT_SCHEDULE_GROUP_NAME;
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
