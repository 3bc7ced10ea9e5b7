/**
 * Haven's operation map: for every AWS API operation the local stack may
 * call, the IAM authorizations AWS makes for it (action, resource ARN,
 * condition keys), including the KMS calls services make on the caller's
 * behalf. One table, by signing name and operation; an operation missing
 * here is denied, never allowed.
 */
import { UnmappedOperationError } from '../errors.js';
import { Service } from '../services.js';
import type { AuthorizationRequest } from '../types.js';
import { DYNAMODB_RULES } from './dynamodb.js';
import { EVENTS_RULES } from './events.js';
import { IAM_RULES } from './iam.js';
import { KMS_RULES } from './kms.js';
import { LAMBDA_RULES } from './lambda.js';
import type { OperationInput, ServiceRules } from './rule.js';
import { S3_RULES } from './s3.js';
import { SCHEDULER_RULES } from './scheduler.js';
import { SECRETSMANAGER_RULES } from './secretsmanager.js';
import { SFN_RULES } from './sfn.js';
import { SNS_RULES } from './sns.js';
import { SQS_RULES } from './sqs.js';

export type { OperationInput, OperationRule, ServiceRules } from './rule.js';

/** The operation map: signing name → operation → rule. */
export const OPERATION_MAP: Readonly<Record<Service, ServiceRules>> = {
  [Service.S3]: S3_RULES,
  [Service.DynamoDB]: DYNAMODB_RULES,
  [Service.KMS]: KMS_RULES,
  [Service.StepFunctions]: SFN_RULES,
  [Service.EventBridge]: EVENTS_RULES,
  [Service.Scheduler]: SCHEDULER_RULES,
  [Service.SecretsManager]: SECRETSMANAGER_RULES,
  [Service.SNS]: SNS_RULES,
  [Service.SQS]: SQS_RULES,
  [Service.Lambda]: LAMBDA_RULES,
  [Service.IAM]: IAM_RULES,
};

/**
 * The authorizations AWS makes for one call, in order.
 * @throws UnmappedOperationError when the operation is not in the map; MissingParameterError, UnknownKeyError, RequestParseError when its parameters do not say what to authorize
 */
export function authorizationsFor(service: string, input: OperationInput): AuthorizationRequest[] {
  const rule = Object.hasOwn(OPERATION_MAP, service) ? OPERATION_MAP[service as Service][input.operation] : undefined;
  if (!rule || !Object.hasOwn(OPERATION_MAP[service as Service], input.operation)) throw new UnmappedOperationError(service, input.operation);
  return rule(input);
}
