/**
 * A running IAM proxy in front of the test run's moto server, with
 * principals by access key and SDK clients signed as them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AwsService, baseClientConfig } from '../../../vault/aws/clients.js';
import { startIamProxy, type IamProxy } from '../../../local/iam/proxy.js';
import type { ObservedCall, Principal } from '../../../local/iam/types.js';
import { REGION, world, type TestWorld } from './fixtures.js';

/** The access key the harness itself uses (unrestricted, like the operator's admin credentials). */
export const ADMIN_KEY = 'AKIAHARNESSADMIN';

/** A proxy with a mutable world, principals and every observed call. */
export interface ProxyHarness {
  proxy: IamProxy;
  world: TestWorld;
  principals: Map<string, Principal>;
  observed: ObservedCall[];
  clients(accessKeyId: string): Clients;
  close(): Promise<void>;
}

/** SDK clients signed with one access key, pointed at the proxy. */
export interface Clients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  lambda: LambdaClient;
  scheduler: SchedulerClient;
  secrets: SecretsManagerClient;
  sns: SNSClient;
  sqs: SQSClient;
  events: EventBridgeClient;
}

/** Starts a proxy in front of `AWS_ENDPOINT_URL` (the moto server test/run.ts started). */
export async function startHarness(options: { enforce?: boolean } = {}): Promise<ProxyHarness> {
  const upstream = process.env.AWS_ENDPOINT_URL;
  if (!upstream) throw new Error('AWS_ENDPOINT_URL is not set: run through `npm run test:only`, which starts moto');
  const w = world();
  const principals = new Map<string, Principal>();
  const observed: ObservedCall[] = [];
  const proxy = await startIamProxy({
    upstream,
    world: w,
    principalFor: (key) => (key === ADMIN_KEY ? 'unrestricted' : principals.get(key)),
    observe: (call) => observed.push(call),
    ...(options.enforce === undefined ? {} : { enforce: options.enforce }),
  });
  const made: Clients[] = [];
  return {
    proxy,
    world: w,
    principals,
    observed,
    clients(accessKeyId) {
      const config = (service: AwsService) => ({
        ...baseClientConfig(service, { endpoint: proxy.url, region: REGION, maxAttempts: 1 }),
        credentials: { accessKeyId, secretAccessKey: 'local-secret' },
      });
      const clients: Clients = {
        s3: new S3Client({ ...config(AwsService.S3), forcePathStyle: true }),
        dynamodb: new DynamoDBClient(config(AwsService.DynamoDB)),
        kms: new KMSClient(config(AwsService.KMS)),
        // AwsService has no Lambda entry (Haven sends no Lambda calls); the service only picks an endpoint variable, and the endpoint is explicit here.
        lambda: new LambdaClient(config(AwsService.SFN)),
        scheduler: new SchedulerClient(config(AwsService.Scheduler)),
        secrets: new SecretsManagerClient(config(AwsService.SecretsManager)),
        sns: new SNSClient(config(AwsService.SNS)),
        sqs: new SQSClient(config(AwsService.SQS)),
        events: new EventBridgeClient(config(AwsService.EventBridge)),
      };
      made.push(clients);
      return clients;
    },
    async close() {
      for (const clients of made) for (const client of Object.values(clients)) client.destroy();
      await proxy.close();
    },
  };
}

/** The error an SDK call raised, for assertions on its name, status and message. */
export async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded; a denial was expected');
}
