/**
 * Reads REST-JSON requests (Lambda, EventBridge Scheduler) by matching
 * method and path against each service's routes, as the SDK v3 and botocore
 * serialize them. Path labels, mapped query parameters and (where the body
 * is the input shape, not a payload) the JSON body become parameters.
 */
import { RequestParseError } from '../errors.js';
import { Service } from '../services.js';
import type { RawRequest } from '../types.js';

interface Route {
  method: string;
  /** Path template; `{Label}` matches one path segment. */
  path: string;
  operation: string;
  /** The JSON body holds input members (not an opaque payload such as an Invoke payload). */
  bodyIsInput?: boolean;
  /** Query parameter → input member. */
  query?: Record<string, string>;
}

const LAMBDA_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations', operation: 'Invoke', query: { Qualifier: 'Qualifier' } },
  { method: 'POST', path: '/2021-11-15/functions/{FunctionName}/response-streaming-invocations', operation: 'InvokeWithResponseStream', query: { Qualifier: 'Qualifier' } },
  { method: 'POST', path: '/2014-11-13/functions/{FunctionName}/invoke-async', operation: 'InvokeAsync' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'GetFunctionConfiguration', query: { Qualifier: 'Qualifier' } },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}', operation: 'GetFunction', query: { Qualifier: 'Qualifier' } },
  { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}', operation: 'DeleteFunction', query: { Qualifier: 'Qualifier' } },
  { method: 'GET', path: '/2015-03-31/functions', operation: 'ListFunctions' },
  { method: 'POST', path: '/2015-03-31/functions', operation: 'CreateFunction', bodyIsInput: true },
];

const SCHEDULER_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/schedules/{Name}', operation: 'CreateSchedule', bodyIsInput: true },
  { method: 'PUT', path: '/schedules/{Name}', operation: 'UpdateSchedule', bodyIsInput: true },
  { method: 'GET', path: '/schedules/{Name}', operation: 'GetSchedule', query: { groupName: 'GroupName' } },
  { method: 'DELETE', path: '/schedules/{Name}', operation: 'DeleteSchedule', query: { groupName: 'GroupName' } },
  { method: 'GET', path: '/schedules', operation: 'ListSchedules', query: { ScheduleGroup: 'GroupName', NamePrefix: 'NamePrefix' } },
  { method: 'POST', path: '/schedule-groups/{Name}', operation: 'CreateScheduleGroup', bodyIsInput: true },
  { method: 'GET', path: '/schedule-groups/{Name}', operation: 'GetScheduleGroup' },
  { method: 'DELETE', path: '/schedule-groups/{Name}', operation: 'DeleteScheduleGroup' },
  { method: 'GET', path: '/schedule-groups', operation: 'ListScheduleGroups' },
];

/** The routes of each REST-JSON service. */
export const REST_JSON_ROUTES: Readonly<Record<string, readonly Route[]>> = {
  [Service.Lambda]: LAMBDA_ROUTES,
  [Service.Scheduler]: SCHEDULER_ROUTES,
};

function match(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    const value = got[i]!;
    if (part.startsWith('{')) {
      if (!value) return undefined;
      try {
        labels[part.slice(1, -1)] = decodeURIComponent(value);
      } catch {
        throw new RequestParseError(`malformed percent-encoding in ${JSON.stringify(path)}`);
      }
    } else if (part !== value) return undefined;
  }
  return labels;
}

/**
 * The operation and parameters of a Lambda or Scheduler request.
 * @throws RequestParseError when no route matches or an input body is not JSON
 */
export function parseRestJson(service: string, request: RawRequest): { operation: string; params: Record<string, unknown> } {
  const routes = REST_JSON_ROUTES[service] ?? [];
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : request.url.slice(q + 1));
  const method = request.method.toUpperCase();
  for (const route of routes) {
    if (route.method !== method) continue;
    const labels = match(route.path, path);
    if (!labels) continue;
    let body: Record<string, unknown> = {};
    if (route.bodyIsInput) {
      const text = request.body.toString('utf8').trim();
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new RequestParseError(`the ${route.operation} request body is not JSON`);
      }
    }
    const params: Record<string, unknown> = { ...body, ...labels };
    for (const [name, member] of Object.entries(route.query ?? {})) {
      const value = query.get(name);
      if (value !== null) params[member] = value;
    }
    return { operation: route.operation, params };
  }
  throw new RequestParseError(`${service} ${method} ${path} is not an operation the local IAM proxy knows`);
}
