/**
 * The one AWS client factory. Every AWS client in Haven (engine, functions,
 * local stack, CLI, tests) is built here, so region, endpoint, retries and
 * timeouts are decided in one place.
 *
 * - Region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1`.
 * - Endpoint: `AWS_ENDPOINT_URL_<SERVICE>` then `AWS_ENDPOINT_URL` (the
 *   standard variables), so the same code talks to moto, LocalStack or AWS.
 * - S3 uses path-style addressing whenever an endpoint is set.
 * - Retries are adaptive (client-side rate limiting plus exponential backoff
 *   with jitter); connection and request timeouts are bounded.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Services the factory knows, named as in `AWS_ENDPOINT_URL_<SERVICE>`. */
export const AwsService = {
  S3: 'S3',
  DynamoDB: 'DYNAMODB',
  KMS: 'KMS',
  SFN: 'SFN',
  Scheduler: 'SCHEDULER',
  SecretsManager: 'SECRETS_MANAGER',
  SNS: 'SNS',
  SQS: 'SQS',
  EventBridge: 'EVENTBRIDGE',
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

/** Options that override what the environment says. */
export interface AwsClientOptions {
  region?: string;
  endpoint?: string;
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  /** Milliseconds to wait for a response once connected (default 120 s). */
  requestTimeoutMs?: number;
}

const DEFAULT_REGION = 'us-east-1';

/** The region every client uses unless told otherwise. */
export function resolveRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
}

/** The endpoint override for a service, or undefined for the real AWS endpoint. */
export function resolveEndpoint(service: AwsService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The configuration shared by every client: region, endpoint, adaptive retries
 * and a keep-alive HTTP handler with bounded timeouts.
 */
export function baseClientConfig(service: AwsService, options: AwsClientOptions = {}) {
  const endpoint = options.endpoint ?? resolveEndpoint(service);
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  return {
    region: options.region ?? resolveRegion(),
    ...(endpoint ? { endpoint } : {}),
    retryMode: 'adaptive' as const,
    maxAttempts: options.maxAttempts ?? 5,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  };
}

type Factory<T> = (options?: AwsClientOptions) => T;

function memoized<T>(build: (options: AwsClientOptions) => T): Factory<T> {
  const cache = new Map<string, T>();
  return (options = {}) => {
    const key = JSON.stringify([options, process.env.AWS_ENDPOINT_URL ?? '', resolveRegion()]);
    let client = cache.get(key);
    if (!client) {
      client = build(options);
      cache.set(key, client);
    }
    return client;
  };
}

/** S3 client; path-style addressing when an endpoint override is set. */
export const s3Client: Factory<S3Client> = memoized((o) => {
  const config = baseClientConfig(AwsService.S3, o);
  return new S3Client({ ...config, forcePathStyle: 'endpoint' in config });
});

/** Low-level DynamoDB client. */
export const dynamoDbClient: Factory<DynamoDBClient> = memoized(
  (o) => new DynamoDBClient(baseClientConfig(AwsService.DynamoDB, o)),
);

/** DynamoDB document client; numbers stay exact (wrapped, never JS floats). */
export const dynamoDbDocumentClient: Factory<DynamoDBDocumentClient> = memoized((o) =>
  DynamoDBDocumentClient.from(dynamoDbClient(o), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  }),
);

/** KMS client. */
export const kmsClient: Factory<KMSClient> = memoized((o) => new KMSClient(baseClientConfig(AwsService.KMS, o)));

/** Step Functions client. */
export const sfnClient: Factory<SFNClient> = memoized((o) => new SFNClient(baseClientConfig(AwsService.SFN, o)));

/** EventBridge Scheduler client. */
export const schedulerClient: Factory<SchedulerClient> = memoized(
  (o) => new SchedulerClient(baseClientConfig(AwsService.Scheduler, o)),
);

/** Secrets Manager client. */
export const secretsManagerClient: Factory<SecretsManagerClient> = memoized(
  (o) => new SecretsManagerClient(baseClientConfig(AwsService.SecretsManager, o)),
);

/** SNS client. */
export const snsClient: Factory<SNSClient> = memoized((o) => new SNSClient(baseClientConfig(AwsService.SNS, o)));

/** SQS client. */
export const sqsClient: Factory<SQSClient> = memoized((o) => new SQSClient(baseClientConfig(AwsService.SQS, o)));

/** EventBridge client (default bus events). */
export const eventBridgeClient: Factory<EventBridgeClient> = memoized(
  (o) => new EventBridgeClient(baseClientConfig(AwsService.EventBridge, o)),
);
