/**
 * Lambda operations → the authorizations AWS makes (the Lambda part of
 * Haven's operation map). `FunctionName` may be a name, a partial or a full
 * ARN; a `Qualifier` makes the resource the qualified function ARN, as in
 * AWS.
 */
import { Arn } from '../arns.js';
import { authorization, optional, passRole, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

const functionArn = (input: OperationInput) => Arn.function(input.scope, required(input, 'FunctionName'), optional(input, 'Qualifier'));

const onFunction =
  (action: string): OperationRule =>
  (input) => [authorization(action, functionArn(input))];

/** The Lambda entries of the operation map. */
export const LAMBDA_RULES: ServiceRules = {
  Invoke: onFunction('lambda:InvokeFunction'),
  InvokeWithResponseStream: onFunction('lambda:InvokeFunction'),
  InvokeAsync: onFunction('lambda:InvokeAsync'),
  GetFunction: onFunction('lambda:GetFunction'),
  GetFunctionConfiguration: onFunction('lambda:GetFunctionConfiguration'),
  DeleteFunction: onFunction('lambda:DeleteFunction'),
  ListFunctions: () => [authorization('lambda:ListFunctions', '*')],
  CreateFunction: (input) => [authorization('lambda:CreateFunction', functionArn(input)), passRole(required(input, 'Role'), 'lambda.amazonaws.com')],
};
