/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas
 * (`z.toJSONSchema`). Schemas with an `id` become components; everything
 * else is inlined. `npm run openapi` writes it to docs/openapi.json.
 */
import { z } from 'zod';
import { ErrorBodySchema } from './schemas/common.js';
import { unprocessableConditions } from './request.js';
import type { ApiRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

const REASONS: Record<number, string> = {
  400: 'Malformed request: bad JSON, wrong shapes, unknown fields (details name each field)',
  403: 'Not authorized',
  404: 'Unknown id',
  405: 'Method not allowed on this path',
  409: 'Conflicts with the current state (e.g. the job is already running)',
  413: 'Body larger than 1 MiB',
  415: 'Body is not JSON',
  422: "Well formed but semantically invalid: the operation's description lists when (`issues` names each problem)",
  429: 'Rate limited: the route\'s hourly limit for this caller is spent (`rate_limited`, `Retry-After` in seconds), or the stage is throttled',
  500: 'Internal error (logged with the request id)',
  503: 'A service Haven depends on is unavailable; retry later',
};

/** Error statuses every route may answer with. */
export const COMMON_ERRORS: readonly number[] = [400, 403, 429, 500];

/** @returns every error status a route may answer with, in order */
function errorStatuses(route: ApiRoute): number[] {
  const statuses = [...COMMON_ERRORS, ...(route.body ? [413, 415] : []), ...(unprocessableConditions(route).length > 0 ? [422] : []), ...route.errors];
  return [...new Set(statuses)].sort();
}

class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON schema of `schema`, with named sub-schemas moved to components. */
  add(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    const suffix = io === 'input' ? 'Input' : '';
    const rename = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rename);
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${v.slice(8)}${suffix}` : rename(v);
      }
      return out;
    };
    for (const [id, def] of Object.entries(defs)) this.schemas[`${id}${suffix}`] = rename(def) as JsonSchema;
    const meta = z.globalRegistry.get(schema) as { id?: string } | undefined;
    if (meta?.id) {
      // zod puts a schema with an id under $defs and answers a $ref to it; otherwise the root is the schema.
      if (!(meta.id in defs)) this.schemas[`${meta.id}${suffix}`] = rename(json) as JsonSchema;
      return { $ref: `#/components/schemas/${meta.id}${suffix}` };
    }
    return rename(json) as JsonSchema;
  }
}

function parameters(route: ApiRoute, components: Components): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = components.add(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  return out;
}

/** Statuses that mean the operation created something (its response names the new record's ids). */
const CREATED = [201, 202];

/** @returns the names of a route's path parameters (`{job_id}` → `job_id`) */
function pathParameters(route: ApiRoute): string[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/**
 * OpenAPI links from an operation that creates something to every other
 * operation whose path parameters its response body names (`job_id`…).
 */
function links(route: ApiRoute, routes: readonly ApiRoute[]): Record<string, JsonSchema> {
  const schema = route.success.schema;
  if (!CREATED.includes(route.success.status) || !(schema instanceof z.ZodObject)) return {};
  const fields = Object.keys(schema.shape);
  const out: Record<string, JsonSchema> = {};
  for (const target of routes) {
    const params = pathParameters(target);
    if (target === route || params.length === 0 || !params.every((p) => fields.includes(p))) continue;
    out[target.operationId] = {
      operationId: target.operationId,
      parameters: Object.fromEntries(params.map((p) => [p, `$response.body#/${p}`])),
      description: `${target.summary}, with the ${params.join(' and ')} of this response`,
    };
  }
  return out;
}

/** The operation's description: the 422 conditions its schemas cannot state. */
function description(route: ApiRoute): string | undefined {
  const conditions = unprocessableConditions(route);
  return conditions.length === 0 ? undefined : `Answers 422 (validation_failed) when:\n${conditions.map((c) => `- ${c}`).join('\n')}`;
}

function operation(route: ApiRoute, routes: readonly ApiRoute[], components: Components): JsonSchema {
  const operationLinks = links(route, routes);
  const responses: Record<string, JsonSchema> = {
    [route.success.status]: {
      description: route.success.description,
      headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
      ...(route.success.schema ? { content: { 'application/json': { schema: components.add(route.success.schema, 'output') } } } : {}),
      ...(Object.keys(operationLinks).length > 0 ? { links: operationLinks } : {}),
    },
  };
  for (const status of errorStatuses(route)) responses[status] = { $ref: `#/components/responses/E${status}` };
  const text = description(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(text ? { description: text } : {}),
    tags: [route.tag],
    ...(route.rateLimitPerHour ? { 'x-rate-limit-per-hour': route.rateLimitPerHour } : {}),
    parameters: parameters(route, components),
    ...(route.body ? { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: components.add(route.body, 'input') } } } } : {}),
    responses,
  };
}

/**
 * @param routes - the route table
 * @param version - Haven's version
 * @returns the OpenAPI 3.1 document
 */
export function buildOpenApi(routes: readonly ApiRoute[], version: string): JsonSchema {
  const components = new Components();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, routes, components);
  }
  const errorRef = components.add(ErrorBodySchema, 'output');
  const statuses = [...new Set(routes.flatMap(errorStatuses))].sort();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven backup API',
      version,
      description: 'Backup jobs, runs, backups and restores (seed 001). Every request is signed with SigV4 (IAM) unless the deployment configures a JWT authorizer. Every response carries `x-request-id`.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      headers: {
        RequestId: { description: 'The request id (also in logs)', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds until the caller may call the route again', schema: { type: 'integer', minimum: 1 } },
      },
      responses: Object.fromEntries(
        statuses.map((s) => [
          `E${s}`,
          {
            description: REASONS[s] ?? `HTTP ${s}`,
            headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' }, ...(s === 429 ? { 'retry-after': { $ref: '#/components/headers/RetryAfter' } } : {}) },
            content: { 'application/json': { schema: errorRef } },
          },
        ]),
      ),
      securitySchemes: { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'AWS Signature Version 4 (execute-api)' } },
    },
  };
}
