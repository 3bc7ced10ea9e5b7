/**
 * Edits of a synthesized template for tests that take a grant away and run
 * the workflow under the policy that is left (an assertion that a grant
 * exists proves nothing; a run without it does).
 */
import { HAVEN_ENTRY_METADATA } from '../../infra/constructs/haven-function.js';
import type { CfnTemplate } from '../../local/cloud/template-types.js';

interface Statement {
  Action?: string | string[];
  Resource?: unknown;
  [key: string]: unknown;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The logical id of the role of the function whose construct path ends with `pathSuffix`. */
export function functionRole(template: CfnTemplate, pathSuffix: string): string {
  const matches = Object.values(template.Resources).filter((r) => {
    const entry = r.Metadata?.[HAVEN_ENTRY_METADATA] as { path?: string } | undefined;
    return r.Type === 'AWS::Lambda::Function' && entry?.path?.endsWith(pathSuffix);
  });
  if (matches.length !== 1) throw new Error(`${matches.length} functions match ${pathSuffix}`);
  const role = (matches[0]!.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return role;
}

/** The logical id of the role of the state machine with this logical-id prefix (`BackupWorkflow`). */
export function stateMachineRole(template: CfnTemplate, logicalIdPrefix: string): string {
  const match = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && id.startsWith(logicalIdPrefix));
  if (!match) throw new Error(`no state machine ${logicalIdPrefix}`);
  return (match[1].Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/**
 * Removes `action` from every identity-policy statement attached to the role
 * `roleLogicalId` (whose resources satisfy `resource`, when given); drops
 * statements left with no action.
 *
 * @returns how many statements lost the action (a test asserts it is not 0)
 */
export function removeAction(template: CfnTemplate, roleLogicalId: string, action: string, resource?: (resource: unknown) => boolean): number {
  let removed = 0;
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = list(r.Properties!.Roles as Array<{ Ref: string }>).map((ref) => ref.Ref);
    if (!roles.includes(roleLogicalId)) continue;
    const document = r.Properties!.PolicyDocument as { Statement: Statement[] };
    document.Statement = document.Statement.flatMap((statement) => {
      const actions = list(statement.Action);
      if (!actions.includes(action) || (resource && !list(statement.Resource).some(resource))) return [statement];
      removed++;
      const left = actions.filter((a) => a !== action);
      return left.length > 0 ? [{ ...statement, Action: left }] : [];
    });
  }
  return removed;
}

/** True when a (template) value mentions `logicalId` in a Ref or GetAtt. */
export function mentions(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value).includes(`"${logicalId}"`);
}
