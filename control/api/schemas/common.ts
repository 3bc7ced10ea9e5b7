/**
 * Building blocks shared by the API's zod schemas: ids, timestamps, names,
 * list queries and the error body. Query strings arrive as text, so numbers
 * in queries are digit strings parsed here (with bounds, so a huge number
 * is a 400, never a 500).
 */
import { z } from 'zod';
import { ID_MAX_LENGTH, IdPrefix, idPattern } from '../../catalog/ids.js';
import { PAGE_LIMITS } from '../../catalog/pagination.js';
import { RecordStatus } from '../../catalog/status.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';

/** `<prefix>_<ulid>` ids, or any id of the kind the catalog accepts (its {@link idPattern}). */
export function idOf(prefix: IdPrefix) {
  return z
    .string()
    .regex(idPattern(prefix), `must be "${prefix}_" then characters from A-Z a-z 0-9 _ -, ${ID_MAX_LENGTH} at most`)
    .meta({ description: `A ${prefix} id (\`${prefix}_<ulid>\`)`, example: `${prefix}_01jd4x6f5e8q2v7c9w3k0m1n2p` });
}

/** A job id. */
export const JobId = idOf(IdPrefix.Job);
/** An execution id. */
export const ExecutionId = idOf(IdPrefix.Execution);
/** A backup id (an execution's id with the `backup_` prefix). */
export const BackupId = idOf(IdPrefix.Backup);
/** A restore id. */
export const RestoreId = idOf(IdPrefix.Restore);

/** An ISO 8601 UTC timestamp as records hold them. */
export const Timestamp = z.string().meta({ format: 'date-time', example: '2024-01-15T12:30:00.000Z' });

const DIGIT = '[0-9]';
const YEAR = `${DIGIT}{4}`;
/** Years divisible by 4 but not 100, or by 400. */
const LEAP_YEAR = `(?:${DIGIT}{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)`;
/** Month and day of every day of a common year. */
const MONTH_DAY = `(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]${DIGIT}|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]${DIGIT}|30)|02-(?:0[1-9]|1${DIGIT}|2[0-8]))`;
const HOUR = `(?:[01]${DIGIT}|2[0-3])`;
const MINUTE = `[0-5]${DIGIT}`;
const TIME = `[T ]${HOUR}:${MINUTE}(?::${MINUTE}(?:\\.${DIGIT}{1,9})?)?(?:Z|[+-]${HOUR}:?${MINUTE})?`;

/**
 * ISO 8601 dates (`2024-01-15`) and date-times (`2024-01-15T12:30:00Z`,
 * `2024-01-15 12:30+05:30`) of real calendar days (`2024-02-29` is one,
 * `2023-02-29` is not), as one regular expression: the schemas test it and
 * the OpenAPI document states it as the `pattern`.
 */
export const ISO_DATE_PATTERN = new RegExp(`^(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)(?:${TIME})?$`);

/**
 * @param s - a query value
 * @returns whether it is an ISO 8601 date or date-time of a real calendar day (`2024-02-31` is not)
 */
export function isIsoDate(s: string): boolean {
  return ISO_DATE_PATTERN.test(s);
}

/** A date-time (`2024-01-15T12:30:00Z`) or a date (`2024-01-15`) in a filter. */
export const DateFilter = z
  .string()
  .regex(ISO_DATE_PATTERN, 'must be an ISO 8601 date or date-time of a real day')
  .meta({ description: 'ISO 8601 date or date-time; a bare date as date_to means the end of that day (UTC)', example: '2024-01-15T00:00:00Z' });

/** A short human name (trimmed; not blank). */
export const Name = z.string().max(200).trim().min(1).regex(/\S/, 'must not be blank');
/** A free-text description. */
export const Description = z.string().max(2000);
/** Who asked (an admin id); defaults to the caller's identity. */
export const Actor = z.string().min(1).max(256);

/** One of the backup types. */
export const BackupTypeSchema = z.enum([BackupType.Full, BackupType.Incremental, BackupType.Differential]);
/** One of the record statuses (executions, restores). */
export const RecordStatusSchema = z.enum(Object.values(RecordStatus) as [RecordStatus, ...RecordStatus[]]);

/** A whole number in a query (digits, so a huge number is a 400, never a 500); the document states its bounds. */
function digits(field: string, min: number, max: number) {
  const wholeNumber = `${field} must be a whole number`;
  return z
    .preprocess((value) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value), z.number({ error: (issue) => (issue.code === 'invalid_type' ? wholeNumber : undefined) }).int().min(min).max(max))
    .meta({ description: `${field}: a whole number from ${min} to ${max}` });
}

/** A recorded failure: a seed error code and a message. */
export const RecordErrorSchema = z.object({ code: z.string(), message: z.string() }).nullable();

/** A free-form JSON object (results, settings). */
export const JsonObject = z.record(z.string(), z.unknown());

/** Life-cycle fields of every tracked record (executions, restores). */
export const ProgressFields = {
  status: RecordStatusSchema,
  progress: z.number().meta({ description: '0–100; never goes down' }),
  phase: z.string(),
  completed_at: Timestamp.nullable(),
  error: RecordErrorSchema,
};

/** Outcome fields of every tracked record. */
export const OutcomeFields = { duration: z.number().nullable(), result: JsonObject.nullable(), verification: JsonObject.nullable() };

/** `limit`, `offset` and the opaque `cursor` of every list. */
export const PageQuery = {
  limit: digits('limit', 1, PAGE_LIMITS.max).optional(),
  offset: digits('offset', 0, 1_000_000).optional(),
  cursor: z.string().min(1).max(2048).regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor from the previous page').optional(),
};

/** `date_from` and `date_to`. */
export const DateQuery = { date_from: DateFilter.optional(), date_to: DateFilter.optional() };

/** Paging fields of every list response. */
export const PageFields = {
  total: z.number().int().meta({ description: 'Every item matching the filters' }),
  limit: z.number().int(),
  offset: z.number().int(),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  filters: z.record(z.string(), z.string()).meta({ description: 'The filters applied' }),
};

/** The body of every error (seed 001). */
export const ErrorBodySchema = z
  .object({
    error: z.string().meta({ example: 'validation_failed' }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Error', description: 'Every error: a seed error name, a message and details (400: `field`, `issue`, `issues`; 422: `issues`)' });

/** Notification settings (jobs and restores). */
export const NotificationsSchema = z.strictObject({
  on_success: z.boolean().default(false),
  on_failure: z.boolean().default(true),
  on_warning: z.boolean().default(false),
  recipients: z.array(z.email().max(254)).max(50).default([]),
});
