/**
 * What the workflow-function tests share: the stack's core resources by
 * logical id, each function's CloudFormation properties, and the reviewed
 * permission sets (catalog levels, vault levels, notifications, logs) as
 * `action on resource` pairs.
 */
import assert from 'node:assert/strict';
import type { HavenFunction } from '../../../infra/constructs/haven-function.js';
import type { SynthResult } from './haven-app.js';
import { logicalId, pairs, via } from './template.js';

/** The CloudFormation properties of a Lambda function the tests read. */
export interface FunctionProps {
  Runtime: string;
  Architectures: string[];
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Role: { 'Fn::GetAtt': [string, string] };
  Environment: { Variables: Record<string, unknown> };
  LoggingConfig: { LogGroup: { Ref: string } };
}

/** The CloudFormation properties of a state machine the tests read. */
export interface StateMachineProps {
  DefinitionSubstitutions: Record<string, unknown>;
  RoleArn: { 'Fn::GetAtt': [string, string] };
}

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The events a function may put: the default bus of the test account and region. */
export const EVENTS = ['events:PutEvents on arn:aws:events:us-east-1:123456789012:event-bus/default'];

/**
 * Logical ids and reviewed permission sets of one synthesized Haven stack.
 *
 * @param synth - the result of `synthHaven`
 * @returns the fixture
 */
export function workflowFixture({ stack, template }: Pick<SynthResult, 'stack' | 'template'>) {
  const resources = template.toJSON().Resources as Resources;
  const only = (type: string, filter: (p: Record<string, unknown>) => boolean = () => true): string => {
    const ids = Object.entries(resources).filter(([, r]) => r.Type === type && filter(r.Properties)).map(([id]) => id);
    assert.equal(ids.length, 1, `exactly one ${type}`);
    return ids[0] as string;
  };
  const tableId = only('AWS::DynamoDB::GlobalTable');
  const vaultBucketId = logicalId(stack, stack.vault.bucket);
  const vaultKeyId = logicalId(stack, stack.vaultKey.key);
  const catalogKeyId = logicalId(stack, stack.catalog.encryptionKey);
  const topicId = logicalId(stack, stack.notifications.topic);
  const notificationKeyId = logicalId(stack, stack.notifications.key);
  /** What a function that publishes outcome events may do to the notification topic: publish, and the data-key actions on its key through SNS only. */
  const NOTIFY = [`sns:Publish on <${topicId}>`, ...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [`<${notificationKeyId}.Arn>`]).map((p) => `${p}${via('sns')}`)];

  /**
   * The catalog at a level, as control/catalog uses it: GetItem (and with
   * writes PutItem, UpdateItem; the API also DeleteItem) on the table, Query
   * on gsi1 and gsi2 only, and kms:Decrypt on the catalog key through DynamoDB.
   */
  const catalog = (level: 'read' | 'readWrite' | 'manage') => [
    ...pairs(['dynamodb:GetItem', ...(level === 'read' ? [] : ['dynamodb:PutItem', 'dynamodb:UpdateItem']), ...(level === 'manage' ? ['dynamodb:DeleteItem'] : [])], [`<${tableId}.Arn>`]),
    ...pairs(['dynamodb:Query'], [`<${tableId}.Arn>/index/gsi1`, `<${tableId}.Arn>/index/gsi2`]),
    `kms:Decrypt on <${catalogKeyId}.Arn>${via('dynamodb')}`,
  ];
  /** Get and list under `vault/`, unwrap with the vault key. */
  const VAULT_READ = [
    `s3:GetObject on <${vaultBucketId}.Arn>/*`,
    `s3:ListBucket on <${vaultBucketId}.Arn>`,
    `kms:Decrypt on <${vaultKeyId}.Arn>`,
  ];
  /** Read, write and list under `vault/` (never delete), wrap and unwrap with the vault key. */
  const VAULT_WRITE = [
    ...pairs(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], [`<${vaultBucketId}.Arn>/*`]),
    `s3:ListBucket on <${vaultBucketId}.Arn>`,
    ...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [`<${vaultKeyId}.Arn>`]),
  ];
  /** Delete what a run staged: under `vault/staging/` only. */
  const CLEAR_STAGING = [`s3:DeleteObject on <${vaultBucketId}.Arn>/*/staging/*`];
  /** Prune: read, write, delete and list anywhere under `vault/` (and Object Lock dates with `lock`), wrap and unwrap. */
  const vaultPrune = (lock: boolean) => [
    ...pairs(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject', ...(lock ? ['s3:GetObjectRetention', 's3:PutObjectRetention'] : [])], [`<${vaultBucketId}.Arn>/*`]),
    `s3:ListBucket on <${vaultBucketId}.Arn>`,
    ...pairs(['kms:Decrypt', 'kms:GenerateDataKey'], [`<${vaultKeyId}.Arn>`]),
  ];
  const logsOf = (logGroupId: string) =>
    pairs(['logs:CreateLogStream', 'logs:PutLogEvents'], [`<${logGroupId}.Arn>`, `arn:aws:logs:us-east-1:123456789012:log-group:<${logGroupId}>`]);

  /** A function's logical id, properties, role and log group. */
  const fnOf = (haven: HavenFunction): { id: string; props: FunctionProps; roleId: string; logGroupId: string } => {
    const id = logicalId(stack, haven.function);
    const r = resources[id];
    assert.equal(r?.Type, 'AWS::Lambda::Function', `${haven.node.path} is a Lambda function`);
    const props = r.Properties as unknown as FunctionProps;
    return { id, props, roleId: props.Role['Fn::GetAtt'][0], logGroupId: props.LoggingConfig.LogGroup.Ref };
  };

  return { resources, only, tableId, vaultBucketId, vaultKeyId, catalogKeyId, notificationKeyId, NOTIFY, catalog, VAULT_READ, VAULT_WRITE, CLEAR_STAGING, vaultPrune, logsOf, fnOf };
}
