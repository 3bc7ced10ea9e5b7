/** IAM operations → the authorizations AWS makes (the IAM part of Haven's operation map; the local cloud creates the template's roles). */
import { Arn } from '../arns.js';
import { authorization, optional, required, type OperationRule, type ServiceRules } from './rule.js';

/** An action on the role named by `RoleName` (with its `Path` when given). */
const onRole =
  (action: string): OperationRule =>
  (input) => [authorization(action, Arn.role(input.scope, required(input, 'RoleName'), optional(input, 'Path')))];

/** The IAM entries of the operation map. */
export const IAM_RULES: ServiceRules = {
  CreateRole: onRole('iam:CreateRole'),
  GetRole: onRole('iam:GetRole'),
  DeleteRole: onRole('iam:DeleteRole'),
  TagRole: onRole('iam:TagRole'),
  PutRolePolicy: onRole('iam:PutRolePolicy'),
  GetRolePolicy: onRole('iam:GetRolePolicy'),
  DeleteRolePolicy: onRole('iam:DeleteRolePolicy'),
  AttachRolePolicy: (input) => [authorization('iam:AttachRolePolicy', Arn.role(input.scope, required(input, 'RoleName')), { 'iam:PolicyARN': optional(input, 'PolicyArn') })],
};
