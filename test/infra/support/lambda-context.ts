/** A stand-in Lambda context for invoking handlers in tests. */
import type { Context } from 'aws-lambda';

/**
 * A Lambda context with fixed, recognizable values.
 *
 * @param functionName - the function's name @default `haven-test`
 * @returns the context
 */
export function fakeLambdaContext(functionName = 'haven-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A minimal API Gateway REST (v1) proxy event for `GET path`.
 *
 * @param path - the request path
 * @param requestId - API Gateway's request id
 * @returns the event
 */
export function fakeApiEvent(path: string, requestId = 'req-123') {
  return {
    resource: path,
    path,
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      path: `/v1${path}`,
      stage: 'v1',
      requestId,
      requestTimeEpoch: 0,
      resourceId: 'res123',
      resourcePath: path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'test',
        userArn: null,
      },
    },
  };
}
