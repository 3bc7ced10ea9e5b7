/**
 * The price table of the capacity model (us-east-1, on-demand, no free
 * tier): the one owner of every price the model uses. Each price names the
 * AWS pricing page it is read from. `PRICES_AS_OF` is the date the table was
 * checked against those pages (the build machine has no route to them, so
 * recheck before quoting a bill).
 */

/** When the table was last checked against the pages below. */
export const PRICES_AS_OF = '2026-12-06';

/** The region the prices are for. */
export const PRICES_REGION = 'us-east-1';

/** One price: US dollars per `per` units of `unit`, and its page. */
export interface Price {
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
}

/** The prices (US dollars). */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stateTransition: { usd: 0.025, per: 1_000, unit: 'state transitions', source: 'https://aws.amazon.com/step-functions/pricing/' },
  /** Lambda on Arm (Haven's functions run on ARM_64, infra/constructs/haven-function.ts), first tier. */
  lambdaGbSecond: { usd: 0.0000133334, per: 1, unit: 'GB-seconds (arm64)', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaRequest: { usd: 0.2, per: 1_000_000, unit: 'requests', source: 'https://aws.amazon.com/lambda/pricing/' },
  /** S3 Standard: PUT, COPY, POST (DeleteObjects is a POST) and LIST. */
  s3PutListRequest: { usd: 0.005, per: 1_000, unit: 'PUT/COPY/POST/LIST requests', source: 'https://aws.amazon.com/s3/pricing/' },
  s3GetRequest: { usd: 0.0004, per: 1_000, unit: 'GET/SELECT requests', source: 'https://aws.amazon.com/s3/pricing/' },
  /** S3 DELETE (single-object) requests are free. */
  s3DeleteRequest: { usd: 0, per: 1_000, unit: 'DELETE requests', source: 'https://aws.amazon.com/s3/pricing/' },
  /** S3 Standard storage, first 50 TB per month (the model prices every GB at this tier: an upper bound). */
  s3StorageGbMonth: { usd: 0.023, per: 1, unit: 'GB-month (S3 Standard, first 50 TB)', source: 'https://aws.amazon.com/s3/pricing/' },
  /** DynamoDB on-demand read request units (eventually consistent reads cost half a unit per 4 KB). */
  dynamoDbReadRequestUnit: { usd: 0.125, per: 1_000_000, unit: 'read request units', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
} as const satisfies Record<string, Price>;

/** The cost of `quantity` units at `price`. */
export function costOf(price: Price, quantity: number): number {
  return (price.usd * quantity) / price.per;
}
