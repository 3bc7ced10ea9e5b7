/**
 * The AWS limits the capacity model checks, each declared once with the page
 * that states it (the model's one owner of these numbers), and the safety
 * margin every limit must be kept with.
 */
import { PREFIX_GETS_PER_SECOND } from '../../sources/s3/source.js';

/** One AWS limit: its value, unit and where AWS documents it. */
export interface AwsLimit {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The AWS documentation page that states the limit. */
  readonly source: string;
  /** True when a service-quota request can raise it (the model names it as what would change a result). */
  readonly adjustable: boolean;
}

const SFN_QUOTAS = 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html';
const SFN_DISTRIBUTED_MAP = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html';
const S3_PERFORMANCE = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const DYNAMODB_QUOTAS = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html';
const S3_LIST_OBJECTS_V2 = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html';

/** The limits the model checks (us-east-1 defaults). */
export const AWS_LIMITS = {
  stateBytes: { name: 'Step Functions state payload', value: 256 * 1024, unit: 'bytes', source: SFN_QUOTAS, adjustable: false },
  historyEvents: { name: 'Step Functions events per execution history', value: 25_000, unit: 'events', source: SFN_QUOTAS, adjustable: false },
  distributedMapConcurrency: { name: 'Distributed Map concurrent child executions', value: 10_000, unit: 'children', source: SFN_DISTRIBUTED_MAP, adjustable: false },
  s3PutPerPrefix: { name: 'S3 PUT/COPY/POST/DELETE per second per prefix', value: 3_500, unit: 'requests/s', source: S3_PERFORMANCE, adjustable: false },
  s3GetPerPrefix: { name: 'S3 GET/HEAD per second per prefix', value: PREFIX_GETS_PER_SECOND, unit: 'requests/s', source: S3_PERFORMANCE, adjustable: false },
  lambdaTimeout: { name: 'Lambda invocation timeout', value: 900, unit: 's', source: LAMBDA_QUOTAS, adjustable: false },
  lambdaMemory: { name: 'Lambda function memory', value: 10_240, unit: 'MB', source: LAMBDA_QUOTAS, adjustable: false },
  lambdaConcurrency: { name: 'Lambda concurrent executions (account, default quota)', value: 1_000, unit: 'executions', source: LAMBDA_QUOTAS, adjustable: true },
  dynamoDbTableReads: { name: 'DynamoDB on-demand table read throughput (default quota)', value: 40_000, unit: 'read units/s', source: DYNAMODB_QUOTAS, adjustable: true },
  s3ListPageKeys: { name: 'Keys per ListObjectsV2 page', value: 1_000, unit: 'keys', source: S3_LIST_OBJECTS_V2, adjustable: false },
} as const satisfies Record<string, AwsLimit>;

/** The margin every limit must be kept with: the model's figure may be at most this fraction of the limit (1/2: a 2x margin). */
export const REQUIRED_MARGIN = 2;
