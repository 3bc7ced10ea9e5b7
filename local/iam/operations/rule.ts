/** The shape of one entry of Haven's operation map, and the parameter readers entries share. */
import type { Scope } from '../arns.js';
import { MissingParameterError } from '../errors.js';
import type { AuthorizationRequest, ConditionContext, IamWorld } from '../types.js';

/** What an entry of the operation map sees. */
export interface OperationInput {
  operation: string;
  params: Readonly<Record<string, unknown>>;
  /** The region the call was signed for, and the world's account. */
  scope: Scope;
  world: IamWorld;
}

/** One entry: the authorizations AWS makes for an operation, in the order AWS makes them. */
export type OperationRule = (input: OperationInput) => AuthorizationRequest[];

/** A service's entries, by operation name. */
export type ServiceRules = Readonly<Record<string, OperationRule>>;

/** A required string parameter. @throws MissingParameterError */
export function required(input: OperationInput, name: string): string {
  const value = input.params[name];
  if (typeof value !== 'string' || value === '') throw new MissingParameterError(input.operation, name);
  return value;
}

/** An optional string parameter (numbers and booleans read as their text). */
export function optional(input: OperationInput, name: string): string | undefined {
  const value = input.params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A request with only the context values that are present. */
export function authorization(action: string, resource: string, context: Record<string, string | readonly string[] | undefined> = {}, item?: string): AuthorizationRequest {
  const present: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(context)) if (value !== undefined) present[key] = value;
  return { action, resource, context: present as ConditionContext, ...(item === undefined ? {} : { item }) };
}

/** `iam:PassRole` as AWS checks it when a service is handed a role. */
export function passRole(roleArn: string, toService: string): AuthorizationRequest {
  return authorization('iam:PassRole', roleArn, { 'iam:PassedToService': toService });
}

/** Keeps the first of identical requests (per-item rules can repeat one table or bus). */
export function unique(requests: AuthorizationRequest[]): AuthorizationRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const key = JSON.stringify([r.action, r.resource, r.context, r.item]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
