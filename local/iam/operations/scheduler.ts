/**
 * EventBridge Scheduler operations → the authorizations AWS makes (the
 * `scheduler` part of Haven's operation map). Creating or updating a
 * schedule hands its target role to Scheduler: `iam:PassRole` on it.
 */
import { Arn } from '../arns.js';
import type { AuthorizationRequest } from '../types.js';
import { authorization, optional, passRole, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

const scheduleArn = (input: OperationInput) => Arn.schedule(input.scope, optional(input, 'GroupName'), required(input, 'Name'));

const onSchedule =
  (action: string): OperationRule =>
  (input) => [authorization(action, scheduleArn(input))];

/** The schedule action, then `iam:PassRole` on `Target.RoleArn`. */
const withTargetRole =
  (action: string): OperationRule =>
  (input) => {
    const out: AuthorizationRequest[] = [authorization(action, scheduleArn(input))];
    const roleArn = (input.params.Target as { RoleArn?: string } | undefined)?.RoleArn;
    if (roleArn) out.push(passRole(roleArn, 'scheduler.amazonaws.com'));
    return out;
  };

const onGroup =
  (action: string): OperationRule =>
  (input) => [authorization(action, Arn.scheduleGroup(input.scope, required(input, 'Name')))];

/** The Scheduler entries of the operation map. */
export const SCHEDULER_RULES: ServiceRules = {
  CreateSchedule: withTargetRole('scheduler:CreateSchedule'),
  UpdateSchedule: withTargetRole('scheduler:UpdateSchedule'),
  GetSchedule: onSchedule('scheduler:GetSchedule'),
  DeleteSchedule: onSchedule('scheduler:DeleteSchedule'),
  ListSchedules: () => [authorization('scheduler:ListSchedules', '*')],
  CreateScheduleGroup: onGroup('scheduler:CreateScheduleGroup'),
  GetScheduleGroup: onGroup('scheduler:GetScheduleGroup'),
  DeleteScheduleGroup: onGroup('scheduler:DeleteScheduleGroup'),
  ListScheduleGroups: () => [authorization('scheduler:ListScheduleGroups', '*')],
};
