/** Step Functions operations → the authorizations AWS makes (the `states` part of Haven's operation map). */
import { Arn } from '../arns.js';
import { authorization, optional, passRole, required, type OperationRule, type ServiceRules } from './rule.js';

/** An action on the ARN in the given parameter (state machine, execution or map run). */
const onArn =
  (action: string, parameter: string): OperationRule =>
  (input) => [authorization(action, required(input, parameter))];

/** The Step Functions entries of the operation map. */
export const SFN_RULES: ServiceRules = {
  StartExecution: onArn('states:StartExecution', 'stateMachineArn'),
  StartSyncExecution: onArn('states:StartSyncExecution', 'stateMachineArn'),
  DescribeStateMachine: onArn('states:DescribeStateMachine', 'stateMachineArn'),
  UpdateStateMachine: onArn('states:UpdateStateMachine', 'stateMachineArn'),
  DeleteStateMachine: onArn('states:DeleteStateMachine', 'stateMachineArn'),
  DescribeExecution: onArn('states:DescribeExecution', 'executionArn'),
  StopExecution: onArn('states:StopExecution', 'executionArn'),
  GetExecutionHistory: onArn('states:GetExecutionHistory', 'executionArn'),
  DescribeMapRun: onArn('states:DescribeMapRun', 'mapRunArn'),
  ListExecutions: (input) => [authorization('states:ListExecutions', optional(input, 'mapRunArn') ?? required(input, 'stateMachineArn'))],
  ListStateMachines: () => [authorization('states:ListStateMachines', '*')],
  CreateStateMachine: (input) => [
    authorization('states:CreateStateMachine', Arn.stateMachine(input.scope, required(input, 'name'))),
    passRole(required(input, 'roleArn'), 'states.amazonaws.com'),
  ],
  SendTaskSuccess: () => [authorization('states:SendTaskSuccess', '*')],
  SendTaskFailure: () => [authorization('states:SendTaskFailure', '*')],
  SendTaskHeartbeat: () => [authorization('states:SendTaskHeartbeat', '*')],
};
