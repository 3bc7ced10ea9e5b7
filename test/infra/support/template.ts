/** Reading IAM statements and functions out of a synthesized template. */
import type { Stack } from 'aws-cdk-lib';
import { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

/**
 * A value or a list of values as a list.
 *
 * @param value - one value, a list, or nothing
 * @returns the list
 */
export const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * A CloudFormation value as one readable string: `{Ref: X}` becomes `<X>`,
 * `{'Fn::GetAtt': [X, 'Arn']}` becomes `<X.Arn>`, joins are concatenated.
 *
 * @param value - a literal or an intrinsic
 * @returns the flattened string
 */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v.Ref !== undefined) return `<${String(v.Ref)}>`;
  if (v['Fn::GetAtt'] !== undefined) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (v['Fn::Join'] !== undefined) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(delimiter);
  }
  return JSON.stringify(value);
}

/**
 * The logical id of a construct's CloudFormation resource.
 *
 * @param stack - the stack
 * @param construct - an L2 construct (its default child is used) or an L1
 * @returns the logical id
 */
export function logicalId(stack: Stack, construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/**
 * A statement's condition block in one line: `if <operator> <key>=<values>`
 * per condition (values flattened with {@link flat}, joined with `|`).
 *
 * @param condition - the `Condition` of a statement
 * @returns the text, `''` without a condition
 */
export function flatCondition(condition: unknown): string {
  if (condition === undefined) return '';
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(keys)) parts.push(`${operator} ${key}=${list(values).map(flat).join('|')}`);
  }
  return ` if ${parts.join(' and ')}`;
}

/**
 * The `kms:ViaService` condition as {@link permissionsOf} prints it, in the test region.
 *
 * @param services - the services (`dynamodb`, `s3`…), sorted as the stack sorts them
 * @returns the condition text
 */
export const via = (...services: string[]): string => ` if StringEquals kms:ViaService=${services.map((s) => `${s}.us-east-1.<AWS::URLSuffix>`).join('|')}`;

/**
 * Every Allow statement of the AWS::IAM::Policy resources attached to a role,
 * as `action on resource` pairs (resources flattened with {@link flat}),
 * followed by the statement's condition when it has one ({@link flatCondition}).
 *
 * @param template - the template
 * @param roleId - the role's logical id
 * @returns the sorted, de-duplicated pairs
 */
export function permissionsOf(template: Template, roleId: string): string[] {
  const pairs = new Set<string>();
  for (const r of Object.values(template.toJSON().Resources as Record<string, Resource>)) {
    if (r.Type !== 'AWS::IAM::Policy' || !JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`)) continue;
    for (const s of list((r.Properties.PolicyDocument as { Statement: Statement | Statement[] }).Statement)) {
      if (s.Effect !== 'Allow') continue;
      for (const action of list(s.Action)) for (const resource of list(s.Resource)) pairs.add(`${action} on ${flat(resource)}${flatCondition(s.Condition)}`);
    }
  }
  return [...pairs].sort();
}

/**
 * The pairs of every action on every resource.
 *
 * @param actions - the actions
 * @param resources - the flattened resources
 * @returns `action on resource` for each combination
 */
export function pairs(actions: readonly string[], resources: readonly string[]): string[] {
  return actions.flatMap((action) => resources.map((resource) => `${action} on ${resource}`));
}
