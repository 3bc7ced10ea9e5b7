/** The AWS services the proxy reads, by SigV4 signing name, and the wire protocol each speaks. */

/** The wire protocols of the services the proxy reads (they decide how a request is parsed and how a denial is answered). */
export const Protocol = {
  /** S3: REST with XML bodies; path-style `/bucket/key`. */
  RestXml: 'rest-xml',
  /** REST with JSON bodies (Lambda, EventBridge Scheduler). */
  RestJson: 'rest-json',
  /** `POST /` with `X-Amz-Target: Prefix.Operation` and a JSON body. */
  Json: 'json',
  /** `POST /` with a form body `Action=Operation&...` (SNS; SQS from older clients). */
  Query: 'query',
} as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** Signing names of the services the proxy knows. */
export const Service = {
  S3: 's3',
  DynamoDB: 'dynamodb',
  KMS: 'kms',
  StepFunctions: 'states',
  EventBridge: 'events',
  SecretsManager: 'secretsmanager',
  SQS: 'sqs',
  SNS: 'sns',
  Lambda: 'lambda',
  Scheduler: 'scheduler',
  IAM: 'iam',
} as const;
export type Service = (typeof Service)[keyof typeof Service];

/** Services whose requests are REST-style: the parser routes them by method and path. */
export const REST_PROTOCOL: Partial<Record<Service, Protocol>> = {
  [Service.S3]: Protocol.RestXml,
  [Service.Lambda]: Protocol.RestJson,
  [Service.Scheduler]: Protocol.RestJson,
};

/** Services that only speak the query protocol (a request the proxy cannot read is answered in it). */
export const QUERY_ONLY: ReadonlySet<string> = new Set([Service.SNS, Service.IAM]);

/** The `kms:ViaService` value of calls a service makes to KMS on a caller's behalf. */
export function viaService(service: Service, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

/** True when the signing name is one the proxy knows. */
export function isService(name: string): name is Service {
  return (Object.values(Service) as string[]).includes(name);
}
