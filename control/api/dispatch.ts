/**
 * Runs one request through its route: validation, the caller's hourly
 * limit on the route (when it has one and the deployment enforces them),
 * the handler, and the success status. Errors propagate (the error
 * middleware maps them with {@link toApiError}); {@link allowedMethods}
 * tells a 405 from a 404.
 */
import type { ApiDeps } from './deps.js';
import { validateRequest } from './request.js';
import type { ApiRequest, ApiResponse, ApiRoute } from './route.js';

/**
 * @param route - the matched route
 * @param request - the request
 * @param deps - the services
 * @returns the success response
 */
export async function dispatch(route: ApiRoute, request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const input = validateRequest(route, request);
  // Only well-formed requests count against the caller's limit.
  if (route.rateLimitPerHour !== undefined && deps.rateLimiter) await deps.rateLimiter.take(request.caller.id, `${route.method} ${route.path}`, route.rateLimitPerHour);
  const body = await route.handle(deps, input);
  return route.success.status === 204 ? { status: 204 } : { status: route.success.status, body };
}

function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * @param routes - the route table
 * @param path - a request path
 * @returns the methods some route serves on the path (empty: no such path)
 */
export function allowedMethods(routes: readonly ApiRoute[], path: string): string[] {
  return routes.filter((r) => pathPattern(r.path).test(path)).map((r) => r.method);
}
