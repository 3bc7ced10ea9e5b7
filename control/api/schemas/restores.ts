/** Restores: create, list, status. */
import { z } from 'zod';
import { Actor, BackupId, DateQuery, DateFilter, Description, JsonObject, Name, NotificationsSchema, OutcomeFields, PageFields, PageQuery, ProgressFields, RecordStatusSchema, Timestamp } from './common.js';
import { ConflictPolicySchema, RestoreDestinationSchema } from './sources.js';
import { RunProgressFields } from './executions.js';

/** How a restore runs. */
export const RestoreOptionsSchema = z.strictObject({
  verify_before_restore: z.boolean().optional(),
  verify_after_restore: z.boolean().optional(),
  skip_constraints: z.boolean().optional(),
  skip_indexes: z.boolean().optional(),
  parallel_restore: z.boolean().optional(),
  max_parallel_jobs: z.number().int().min(1).max(40).optional(),
  conflict_policy: ConflictPolicySchema.optional(),
  create_missing_tables: z.boolean().optional(),
  safety_backup: z.boolean().optional().meta({ description: 'Back the target up before overwriting it (default true)' }),
  target_timestamp: DateFilter.optional().meta({ description: 'Restore the newest completed backup of the same job at or before this time' }),
  key_prefixes: z.array(z.string().min(1).max(1024)).max(100).optional(),
  include: z.array(z.string().min(1).max(1024)).max(100).optional(),
  exclude: z.array(z.string().min(1).max(1024)).max(100).optional(),
  partitions: z.array(z.string().min(1).max(128)).max(1000).optional(),
});

/** `POST /backup/restores`. `source` (the seed's) may only name tables; the backup is the source. */
export const CreateRestoreBody = z
  .strictObject({
    restore_name: Name,
    description: Description.optional(),
    backup_id: BackupId,
    source: z.strictObject({ type: z.string().max(32).optional(), tables: z.array(z.string().min(1).max(255)).max(1000).optional() }).optional(),
    destination: RestoreDestinationSchema,
    restore_options: RestoreOptionsSchema.default({}),
    notifications: NotificationsSchema.optional(),
    created_by: Actor.optional(),
  })
  .meta({ id: 'CreateRestoreRequest' });
/** What create takes. */
export type CreateRestoreBody = z.output<typeof CreateRestoreBody>;

/** The vault a restore or verification read its backup from (docs/COPIES.md, "Restores and verifications fall back"). */
export const ServedFromSchema = z
  .object({
    vault_uri: z.string().meta({ example: 's3://haven-copies-eu/vault/' }),
    snapshot_id: z.string().meta({ description: "The backup's snapshot id in that vault" }),
    copy: z.boolean().meta({ description: 'True when a copy served it rather than the vault the backup was written to' }),
    skipped: z
      .array(z.object({ vault_uri: z.string(), error: z.object({ code: z.string(), message: z.string() }) }))
      .meta({ description: 'Vaults tried first that could not serve the backup, with why' }),
  })
  .meta({ id: 'ServedFrom' });

/** A restore as the API shows it. */
export const RestoreSchema = z
  .object({
    restore_id: z.string(),
    restore_name: z.string(),
    description: z.string(),
    backup_id: z.string(),
    source: JsonObject,
    destination: RestoreDestinationSchema,
    restore_options: JsonObject,
    notifications: JsonObject.nullable(),
    ...ProgressFields,
    ...RunProgressFields,
    ...OutcomeFields,
    created_at: Timestamp,
    created_by: z.string(),
    started_at: Timestamp.nullable(),
    served_from: ServedFromSchema.nullable().meta({ description: 'The vault the restore read from; null until planned' }),
  })
  .meta({ id: 'Restore' });

/** `GET /backup/restores` query. */
export const ListRestoresQuery = z.strictObject({ backup_id: BackupId.optional(), status: RecordStatusSchema.optional(), ...DateQuery, ...PageQuery });
/** What the list takes. */
export type ListRestoresQuery = z.output<typeof ListRestoresQuery>;

/** `GET /backup/restores` response. */
export const RestoreListSchema = z.object({ restores: z.array(RestoreSchema), ...PageFields }).meta({ id: 'RestoreList' });

/** `GET /backup/restores/{restore_id}/status`. */
export const RestoreStatusSchema = z
  .object({ restore_id: z.string(), ...ProgressFields, ...RunProgressFields, ...OutcomeFields, started_at: Timestamp.nullable() })
  .meta({ id: 'RestoreStatus' });
