/**
 * The seed's per-caller route limits (`rateLimitPerHour` in the route
 * table): a token bucket per caller identity and route, holding up to the
 * hourly limit and refilled at that many an hour, kept as an item of the
 * catalog table. API Gateway cannot throttle per IAM caller without API
 * keys (its stage throttle stays as a global guard), so the API function
 * takes a token before it runs a limited route and answers 429
 * `rate_limited` with `Retry-After` when none is left.
 *
 * The bucket item is `pk = RATE#<route>#<caller>`, `sk = RATE`, with
 * `tokens`, `refilled_at` (epoch milliseconds), `version` and `expires_at`
 * (epoch seconds, when the bucket would be full again: DynamoDB's TTL
 * removes idle buckets, and a missing bucket is a full one). Concurrent
 * requests settle by a conditional write on `version` (bumped by every
 * write; two requests in one millisecond share `refilled_at`); the loser
 * reads again.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient } from '../../vault/aws/clients.js';
import type { DocumentClient } from '../catalog/context.js';
import { TableLayout } from '../catalog/keys.js';
import { RateLimitedError, ServiceUnavailableApiError } from './errors.js';

/** Takes one request from a caller's budget for a route. */
export interface RateLimiter {
  /**
   * @param callerId - who is calling (an IAM principal ARN, a token subject)
   * @param route - `METHOD /path` of the route
   * @param perHour - the route's limit per caller and hour
   * @throws RateLimitedError when the caller has no request left
   */
  take(callerId: string, route: string, perHour: number): Promise<void>;
}

/** A bucket's state. */
export interface BucketState {
  /** Requests left (fractional while refilling). */
  readonly tokens: number;
  /** When `tokens` was computed, epoch milliseconds. */
  readonly refilledAt: number;
}

/** What taking one token from a bucket gives. */
export type TakeResult =
  | { readonly allowed: true; readonly state: BucketState }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

const HOUR_MS = 3_600_000;

/**
 * Takes one token from a bucket of `perHour` tokens refilled at `perHour`
 * an hour (a missing bucket is full).
 *
 * @param state - the bucket as stored, or undefined
 * @param now - epoch milliseconds
 * @param perHour - capacity and hourly refill (a whole number >= 1)
 * @returns the bucket after taking, or how many whole seconds until a token is there
 */
export function takeToken(state: BucketState | undefined, now: number, perHour: number): TakeResult {
  const elapsed = state ? Math.max(0, now - state.refilledAt) : 0;
  const tokens = state ? Math.min(perHour, state.tokens + (elapsed * perHour) / HOUR_MS) : perHour;
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, refilledAt: now } };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - tokens) * HOUR_MS) / perHour / 1000)) };
}

/** Options of {@link CatalogRateLimiter}. */
export interface CatalogRateLimiterOptions {
  /** @default the factory's document client */
  readonly client?: DocumentClient;
  /** @default `Date.now` */
  readonly now?: () => number;
}

/** How often a take is tried when concurrent requests keep winning the write. */
const ATTEMPTS = 5;

/** Token buckets in the catalog table. */
export class CatalogRateLimiter implements RateLimiter {
  private readonly client: DocumentClient;
  private readonly now: () => number;

  /**
   * @param table - the catalog table's name
   * @param options - client and clock
   */
  constructor(
    private readonly table: string,
    options: CatalogRateLimiterOptions = {},
  ) {
    this.client = options.client ?? dynamoDbDocumentClient();
    this.now = options.now ?? Date.now;
  }

  /** @inheritdoc */
  async take(callerId: string, route: string, perHour: number): Promise<void> {
    const key = { [TableLayout.partitionKey]: `RATE#${route}#${callerId}`, [TableLayout.sortKey]: 'RATE' };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))).Item;
      const stored = item && typeof item.tokens === 'number' && typeof item.refilled_at === 'number' ? { tokens: item.tokens, refilledAt: item.refilled_at } : undefined;
      const version = typeof item?.version === 'number' ? item.version : undefined;
      const now = this.now();
      const result = takeToken(stored, now, perHour);
      if (!result.allowed) throw new RateLimitedError(route, perHour, result.retryAfterSeconds);
      const full = result.state.refilledAt + Math.ceil(((perHour - result.state.tokens) * HOUR_MS) / perHour);
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, tokens: result.state.tokens, refilled_at: result.state.refilledAt, version: (version ?? 0) + 1, [TableLayout.ttlAttribute]: Math.ceil(full / 1000) },
            ...(version !== undefined
              ? { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': version } }
              : { ConditionExpression: 'attribute_not_exists(#version)', ExpressionAttributeNames: { '#version': 'version' } }),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new ServiceUnavailableApiError(`too many concurrent requests on ${route}; retry`);
  }
}
