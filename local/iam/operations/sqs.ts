/**
 * SQS operations → the authorizations AWS makes (the SQS part of Haven's
 * operation map). The queue ARN comes from the queue URL
 * (`.../<account>/<name>`); batch calls check their single-message action.
 */
import { Arn } from '../arns.js';
import { RequestParseError } from '../errors.js';
import { authorization, optional, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

/** The queue ARN of a queue URL. */
function queueArn(input: OperationInput): string {
  const url = required(input, 'QueueUrl');
  const match = /\/(\d{12})\/([^/?]+)\/?(?:\?.*)?$/.exec(url);
  if (!match) throw new RequestParseError(`the queue URL ${JSON.stringify(url)} does not end in /<account>/<queue name>`);
  return Arn.queue(input.scope, decodeURIComponent(match[2]!), match[1]!);
}

const onQueue =
  (action: string): OperationRule =>
  (input) => [authorization(action, queueArn(input))];

/** The SQS entries of the operation map. */
export const SQS_RULES: ServiceRules = {
  SendMessage: onQueue('sqs:SendMessage'),
  SendMessageBatch: onQueue('sqs:SendMessage'),
  ReceiveMessage: onQueue('sqs:ReceiveMessage'),
  DeleteMessage: onQueue('sqs:DeleteMessage'),
  DeleteMessageBatch: onQueue('sqs:DeleteMessage'),
  ChangeMessageVisibility: onQueue('sqs:ChangeMessageVisibility'),
  GetQueueAttributes: onQueue('sqs:GetQueueAttributes'),
  PurgeQueue: onQueue('sqs:PurgeQueue'),
  DeleteQueue: onQueue('sqs:DeleteQueue'),
  GetQueueUrl: (input) =>
    [authorization('sqs:GetQueueUrl', Arn.queue(input.scope, required(input, 'QueueName'), optional(input, 'QueueOwnerAWSAccountId')))],
  CreateQueue: (input) => [authorization('sqs:CreateQueue', Arn.queue(input.scope, required(input, 'QueueName')))],
  ListQueues: () => [authorization('sqs:ListQueues', '*')],
};
