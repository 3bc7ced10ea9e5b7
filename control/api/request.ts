/**
 * Validates a request against its route: path parameters, query and body
 * through the route's zod schemas, each problem a 400 naming its field;
 * secrets in a body are a 422 before anything else looks at it.
 */
import { z } from 'zod';
import { findSecrets } from '../catalog/secrets.js';
import { BadRequestError, ValidationFailedError, type FieldIssue } from './errors.js';
import type { ApiRequest, ApiRoute, RouteInput } from './route.js';

/**
 * @param issues - zod's issues
 * @param prefix - prepended to each path (`''` for bodies)
 * @returns one field issue per problem (one per unknown key); a body that
 *   matches none of a union's shapes gets the union's message, then the
 *   problems of the one shape it comes closest to (fewest problems), if one does
 */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, issue: 'unknown field' }));
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const union = { field: path || 'body', issue: issue.message };
      if ('discriminator' in issue) return [union];
      const fewest = Math.min(...issue.errors.map((branch) => branch.length));
      const closest = issue.errors.filter((branch) => branch.length === fewest);
      return closest.length === 1 ? [union, ...fieldIssues(closest[0]!, path)] : [union];
    }
    return [{ field: path || (prefix ? prefix : 'body'), issue: issue.message }];
  });
}

/** The 422 every route with a body answers (`findSecrets`). */
export const SECRET_IN_BODY = 'a body value looks like a secret (a password, token, key or connection string): requests name a Secrets Manager ARN in secret_arn instead';

/**
 * @param route - a route
 * @returns when it answers 422, one condition each (none: it never does)
 */
export function unprocessableConditions(route: ApiRoute): string[] {
  return [...(route.unprocessable ?? []), ...(route.body ? [SECRET_IN_BODY] : [])];
}

function parse<T>(schema: z.ZodType<T>, value: unknown, error: string, what: string, prefix = ''): T {
  const out = schema.safeParse(value);
  if (out.success) return out.data;
  const issues = fieldIssues(out.error.issues, prefix);
  throw new BadRequestError(error, `the ${what} is not valid: ${issues.map((i) => `${i.field}: ${i.issue}`).join('; ').slice(0, 500)}`, issues);
}

/**
 * @param route - the matched route
 * @param request - the request
 * @returns the validated parts
 * @throws BadRequestError (400) or ValidationFailedError (422, a secret in the body)
 */
export function validateRequest(route: ApiRoute, request: ApiRequest): RouteInput<unknown, unknown, unknown> {
  const params = route.params ? parse(route.params, request.pathParameters, 'invalid_request', 'path') : {};
  if (request.repeatedQuery.length > 0) {
    throw new BadRequestError('invalid_query', 'query parameters may be given once each', request.repeatedQuery.map((q) => ({ field: q, issue: 'given more than once' })));
  }
  const query = parse(route.query ?? z.strictObject({}), request.query, 'invalid_query', 'query');
  let body: unknown;
  if (!route.body) {
    if (request.body !== undefined) throw new BadRequestError(route.invalidError, `${route.method} ${route.path} takes no body`, [{ field: 'body', issue: 'not expected' }]);
  } else if (request.body === undefined && !route.bodyOptional) {
    throw new BadRequestError(route.invalidError, 'a JSON body is required', [{ field: 'body', issue: 'required' }]);
  } else {
    const secrets = findSecrets(request.body);
    if (secrets.length > 0) {
      throw new ValidationFailedError('requests never carry secrets: name a Secrets Manager ARN in secret_arn instead', secrets.map((p) => `${p}: passwords, tokens and connection strings are not accepted; name a Secrets Manager ARN in secret_arn`), { fields: secrets });
    }
    body = parse(route.body, request.body ?? {}, route.invalidError, 'body');
  }
  return { params, query, body, caller: request.caller, request };
}
