/** Turns an API Gateway proxy event into the API core's request. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Caller } from '../../control/api/deps.js';
import type { ApiRequest } from '../../control/api/route.js';

/** An event once the body middlewares ran: the parsed body and the request id. */
export interface ApiEvent extends APIGatewayProxyEvent {
  /** Set by the request-id middleware. */
  havenRequestId?: string;
  /** Set by the JSON middleware: the parsed body, undefined when there is none. */
  havenBody?: unknown;
}

/** Who signed (IAM), or the authorizer's principal (JWT, Cognito), or `anonymous`. */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const context = event.requestContext;
  const authorizer = (context?.authorizer ?? {}) as { principalId?: unknown; claims?: { sub?: unknown; 'cognito:username'?: unknown } };
  const id = context?.identity?.userArn ?? authorizer.claims?.sub ?? authorizer.principalId ?? 'anonymous';
  return { id: String(id).slice(0, 256) };
}

/** The API core's view of the event. */
export function toApiRequest(event: ApiEvent): ApiRequest {
  const multi = event.multiValueQueryStringParameters ?? {};
  return {
    method: event.httpMethod,
    path: event.path,
    pathParameters: { ...(event.pathParameters ?? {}) },
    query: { ...(event.queryStringParameters ?? {}) },
    repeatedQuery: Object.entries(multi)
      .filter(([, values]) => (values?.length ?? 0) > 1)
      .map(([name]) => name),
    body: event.havenBody,
    requestId: event.havenRequestId ?? event.requestContext?.requestId ?? '',
    caller: callerOf(event),
  };
}
