/** SNS operations → the authorizations AWS makes (the SNS part of Haven's operation map). */
import { Arn } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import { authorization, optional, required, type OperationRule, type ServiceRules } from './rule.js';

const onTopic =
  (action: string): OperationRule =>
  (input) => [authorization(action, required(input, 'TopicArn'))];

/** The SNS entries of the operation map. */
export const SNS_RULES: ServiceRules = {
  Publish: (input) => {
    const target = optional(input, 'TopicArn') ?? optional(input, 'TargetArn');
    if (target) return [authorization('sns:Publish', target)];
    if (optional(input, 'PhoneNumber')) return [authorization('sns:Publish', '*')];
    throw new MissingParameterError(input.operation, 'TopicArn');
  },
  PublishBatch: onTopic('sns:Publish'),
  CreateTopic: (input) => [authorization('sns:CreateTopic', Arn.topic(input.scope, required(input, 'Name')))],
  DeleteTopic: onTopic('sns:DeleteTopic'),
  Subscribe: onTopic('sns:Subscribe'),
  GetTopicAttributes: onTopic('sns:GetTopicAttributes'),
  SetTopicAttributes: onTopic('sns:SetTopicAttributes'),
  ListTopics: () => [authorization('sns:ListTopics', '*')],
};
