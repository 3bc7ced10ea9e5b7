/**
 * `GET /health`: reports that the API and its Lambda integration are up.
 * Thin on purpose: no AWS calls, no business logic.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** The body `GET /health` returns. */
export interface HealthBody {
  status: 'healthy';
  service: 'haven';
  version: string;
}

const logger = new Logger({ serviceName: 'haven' });

/**
 * Builds the health response.
 *
 * @param requestId - API Gateway's request id, echoed in `x-request-id`
 * @param version - Haven's version (`HAVEN_VERSION`)
 * @returns a 200 proxy response with a JSON body
 */
export function healthResponse(requestId: string | undefined, version: string): APIGatewayProxyResult {
  const body: HealthBody = { status: 'healthy', service: 'haven', version };
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify(body),
  };
}

async function health(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId;
  logger.appendKeys({ requestId });
  logger.info('health check');
  return healthResponse(requestId, process.env.HAVEN_VERSION ?? '0.0.0');
}

/** The Lambda entry point. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(health);
