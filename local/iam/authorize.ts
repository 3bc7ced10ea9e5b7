/**
 * Decides one call: maps it to the authorizations AWS makes and evaluates
 * each in order. The first denied authorization denies the whole call,
 * except for per-item authorizations (DeleteObjects keys), which deny only
 * their item.
 */
import { IamProxyError, NoSuchAliasError } from './errors.js';
import type { IamEvaluator } from './evaluator.js';
import { authorizationsFor } from './operations/index.js';
import type { ParsedCall } from './request/call.js';
import { CheckResult, type Check, type Decision, type IamWorld, type Principal } from './types.js';

/** The decision for a caller whose credentials are the harness's or operator's own: everything is allowed, nothing evaluated. */
export const UNRESTRICTED_DECISION: Decision = Object.freeze({ allowed: true, unrestricted: true, checks: Object.freeze([]) });

/** A decision that denies the call before any authorization could be evaluated (unmapped operation, missing parameter, unknown key). */
export function refusal(call: Pick<ParsedCall, 'service' | 'operation'>, message: string): Decision {
  const denied: Check = { request: { action: `${call.service}:${call.operation}`, resource: '*', context: {} }, result: CheckResult.Error, message };
  return { allowed: false, unrestricted: false, checks: [denied], denied };
}

/** Decides a call by `principal`. */
export async function authorizeCall(call: ParsedCall, principal: Principal, world: IamWorld, evaluator: IamEvaluator): Promise<Decision> {
  let requests;
  try {
    requests = authorizationsFor(call.service, {
      operation: call.operation,
      params: call.params,
      scope: { region: call.credential.region, accountId: world.accountId },
      world,
    });
  } catch (error) {
    if (error instanceof NoSuchAliasError) return { ...refusal(call, error.message), notFound: error.message };
    if (error instanceof IamProxyError) return refusal(call, error.message);
    throw error;
  }
  const checks: Check[] = [];
  const deniedItems: Check[] = [];
  const deniedItemNames = new Set<string>();
  for (const request of requests) {
    if (request.item !== undefined && deniedItemNames.has(request.item)) continue;
    const check = await evaluator.evaluate(principal, request, call.credential.region);
    checks.push(check);
    if (check.result === CheckResult.Allowed) continue;
    if (request.item === undefined) return { allowed: false, unrestricted: false, checks, denied: check };
    deniedItems.push(check);
    deniedItemNames.add(request.item);
  }
  return { allowed: true, unrestricted: false, checks, ...(deniedItems.length > 0 ? { deniedItems } : {}) };
}
