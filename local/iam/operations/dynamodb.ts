/**
 * DynamoDB operations → the authorizations AWS makes (the DynamoDB part of
 * Haven's operation map). The document client's Get/Put/Update/Delete/
 * Query/Scan/BatchGet/BatchWrite/TransactWrite commands send these same
 * operations. Data-plane calls on a table under a customer-managed key also
 * need the caller's `kms:Decrypt` (see on-behalf.ts).
 */
import { Arn } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import type { AuthorizationRequest } from '../types.js';
import { dynamoDbKms } from './on-behalf.js';
import { authorization, optional, required, unique, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

/** Condition keys a data-plane request supplies when it sets them. */
const requestContext = (input: OperationInput) => ({
  'dynamodb:ReturnValues': optional(input, 'ReturnValues'),
  'dynamodb:ReturnConsumedCapacity': optional(input, 'ReturnConsumedCapacity'),
  'dynamodb:Select': optional(input, 'Select'),
});

/** The data-plane requests plus the table keys' `kms:Decrypt`. */
function dataPlane(input: OperationInput, requests: AuthorizationRequest[]): AuthorizationRequest[] {
  const unique_ = unique(requests);
  return [...unique_, ...dynamoDbKms(input, unique_.map((r) => r.resource))];
}

/** One action on the `TableName` table (or its `IndexName` index for Query and Scan). */
const item =
  (action: string): OperationRule =>
  (input) => {
    const table = required(input, 'TableName');
    const index = optional(input, 'IndexName');
    const resource = index ? Arn.index(input.scope, table, index) : Arn.table(input.scope, table);
    return dataPlane(input, [authorization(action, resource, requestContext(input))]);
  };

/** A control-plane action on the table. */
const onTable =
  (action: string): OperationRule =>
  (input) => [authorization(action, Arn.table(input.scope, required(input, 'TableName')))];

/** One action per table named in `RequestItems`. */
const perTable =
  (action: string): OperationRule =>
  (input) => {
    const items = input.params.RequestItems;
    if (!items || typeof items !== 'object') throw new MissingParameterError(input.operation, 'RequestItems');
    return dataPlane(
      input,
      Object.keys(items).map((table) => authorization(action, Arn.table(input.scope, table), { 'dynamodb:ReturnConsumedCapacity': optional(input, 'ReturnConsumedCapacity') })),
    );
  };

/** TransactWriteItems member → the action AWS checks for it. */
const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
};

/** TransactWriteItems and TransactGetItems: the item-level action per member, on its table. */
const transact =
  (actions: Record<string, string>): OperationRule =>
  (input) => {
    const items = input.params.TransactItems;
    if (!Array.isArray(items)) throw new MissingParameterError(input.operation, 'TransactItems');
    const requests = items.flatMap((member: Record<string, { TableName?: string }>) =>
      Object.entries(member).map(([kind, body]) => {
        const action = actions[kind];
        if (!action || !body?.TableName) throw new MissingParameterError(input.operation, `TransactItems[].${kind}.TableName`);
        return authorization(action, Arn.table(input.scope, body.TableName));
      }),
    );
    return dataPlane(input, requests);
  };

/** The DynamoDB entries of the operation map. */
export const DYNAMODB_RULES: ServiceRules = {
  GetItem: item('dynamodb:GetItem'),
  PutItem: item('dynamodb:PutItem'),
  UpdateItem: item('dynamodb:UpdateItem'),
  DeleteItem: item('dynamodb:DeleteItem'),
  Query: item('dynamodb:Query'),
  Scan: item('dynamodb:Scan'),
  BatchGetItem: perTable('dynamodb:BatchGetItem'),
  BatchWriteItem: perTable('dynamodb:BatchWriteItem'),
  TransactWriteItems: transact(TRANSACT_WRITE_ACTIONS),
  TransactGetItems: transact({ Get: 'dynamodb:GetItem' }),
  DescribeTable: onTable('dynamodb:DescribeTable'),
  CreateTable: onTable('dynamodb:CreateTable'),
  UpdateTable: onTable('dynamodb:UpdateTable'),
  DeleteTable: onTable('dynamodb:DeleteTable'),
  DescribeTimeToLive: onTable('dynamodb:DescribeTimeToLive'),
  UpdateTimeToLive: onTable('dynamodb:UpdateTimeToLive'),
  DescribeContinuousBackups: onTable('dynamodb:DescribeContinuousBackups'),
  ListTables: () => [authorization('dynamodb:ListTables', '*')],
};
