/**
 * One API route: its method and path, its zod schemas (path parameters,
 * query, body, response), the statuses it answers with, and its handler.
 * The router, the OpenAPI document and the CDK construct all read the same
 * route table (`routes.ts`), so they cannot drift apart.
 */
import type { z } from 'zod';
import type { ApiDeps, Caller } from './deps.js';

/** HTTP methods the API serves. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request as the API's core sees it (the Lambda and local layers build it). */
export interface ApiRequest {
  method: string;
  /** The path without stage or query (`/backup/jobs/job_…`). */
  path: string;
  pathParameters: Record<string, string | undefined>;
  /** Query parameters (the last value of each). */
  query: Record<string, string | undefined>;
  /** Query parameters given more than once. */
  repeatedQuery: string[];
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
  requestId: string;
  caller: Caller;
}

/** A response before serialization. */
export interface ApiResponse {
  status: number;
  /** Serialized as JSON; undefined for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler receives: validated parts of the request. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  request: ApiRequest;
}

/** A route's definition. */
export interface RouteDefinition<P, Q, B> {
  method: HttpMethod;
  /** OpenAPI form: `/backup/jobs/{job_id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Whether the body may be omitted (its schema then parses `{}`). */
  bodyOptional?: boolean;
  /** The seed error name of a 400 for this route (`invalid_backup_config`…). */
  invalidError: string;
  success: { status: number; description: string; schema?: z.ZodType };
  /** Error statuses the route may answer with besides 400, 413, 415, 422 and 500. */
  errors: readonly number[];
  /**
   * When the route answers 422: the rules its schemas cannot state (rules
   * across fields, the catalog's state, what the schedules module or a
   * source check says), one condition each. The OpenAPI document lists
   * them in the operation's description; {@link unprocessableConditions}
   * adds the ones every body route has.
   */
  unprocessable?: readonly string[];
  /** The seed's rate limit, per hour per admin, if any. */
  rateLimitPerHour?: number;
  handle(deps: ApiDeps, input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** A route with its types erased, as tables hold it. */
export type ApiRoute = RouteDefinition<unknown, unknown, unknown>;

/**
 * Declares a route (typed handler, erased result).
 *
 * @param definition - the route
 * @returns the route for the table
 */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(definition: RouteDefinition<P, Q, B>): ApiRoute {
  return definition as unknown as ApiRoute;
}
