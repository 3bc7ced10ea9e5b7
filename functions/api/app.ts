/**
 * The API Lambda: middy with the request-id, error, body-size and JSON
 * middlewares in front of @middy/http-router, one route per entry of the
 * route table. Unknown paths are 404s, known paths with another method 405s.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiDeps } from '../../control/api/deps.js';
import { allowedMethods, dispatch } from '../../control/api/dispatch.js';
import { InternalApiError, MethodNotAllowedError, NotFoundApiError } from '../../control/api/errors.js';
import type { ApiRoute } from '../../control/api/route.js';
import { API_ROUTES } from '../../control/api/routes.js';
import { toApiRequest, type ApiEvent } from './event.js';
import { baseHeaders, bodyLimit, errorHandler, jsonBody, requestId } from './middlewares.js';

const logger = new Logger({ serviceName: 'haven' });

function routeHandler(route: ApiRoute, deps: () => ApiDeps) {
  return async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const request = toApiRequest(event);
    let services: ApiDeps;
    try {
      services = deps();
    } catch (error) {
      // A missing setting is the deployment's fault, never the caller's.
      throw new InternalApiError({ cause: error });
    }
    const response = await dispatch(route, request, services);
    return {
      statusCode: response.status,
      headers: { ...baseHeaders(request.requestId), ...response.headers },
      body: response.body === undefined ? '' : JSON.stringify(response.body),
    };
  };
}

/** The middy router over a route table. */
export function apiRouter(routes: readonly ApiRoute[], deps: () => ApiDeps) {
  const table: Array<Route<ApiEvent, APIGatewayProxyResult>> = routes.map((r) => ({ method: r.method, path: r.path, handler: routeHandler(r, deps) }));
  return httpRouterHandler<ApiEvent, APIGatewayProxyResult>({
    routes: table,
    notFoundResponse: ({ method, path }) => {
      const allowed = allowedMethods(routes, path);
      if (allowed.length > 0) throw new MethodNotAllowedError(method, path, allowed);
      throw new NotFoundApiError('route', { method, path: path.slice(0, 200) });
    },
  });
}

/**
 * @param deps - the services (built on first use)
 * @param routes - the route table
 * @returns the Lambda handler
 */
export function createApiHandler(deps: () => ApiDeps, routes: readonly ApiRoute[] = API_ROUTES) {
  return middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestId())
    .use(errorHandler(logger))
    .use(bodyLimit())
    .use(jsonBody())
    .handler(apiRouter(routes, deps));
}
