/** Backups (`/backup/files`, `/backup/backups/{backup_id}`). */
import { z } from 'zod';
import { CopyStatus } from '../../catalog/types.js';
import { BackupTypeSchema, DateQuery, JobId, OutcomeFields, PageFields, PageQuery, ProgressFields, RecordStatusSchema, Timestamp } from './common.js';

/** `GET /backup/files` query. */
export const ListFilesQuery = z.strictObject({
  job_id: JobId.optional(),
  backup_type: BackupTypeSchema.optional(),
  status: RecordStatusSchema.optional(),
  ...DateQuery,
  ...PageQuery,
});
/** What `GET /backup/files` takes. */
export type ListFilesQuery = z.output<typeof ListFilesQuery>;

/** One backup in a list (seed 001 fields). */
export const BackupFileSchema = z
  .object({
    backup_id: z.string(),
    job_id: z.string(),
    job_name: z.string(),
    backup_type: BackupTypeSchema,
    file_path: z.string().nullable(),
    file_size: z.number().nullable(),
    compression_ratio: z.number().nullable(),
    encryption: z.string(),
    checksum: z.string().nullable(),
    status: RecordStatusSchema,
    created_at: Timestamp,
    verified_at: Timestamp.nullable(),
    retention_until: Timestamp.nullable(),
  })
  .meta({ id: 'BackupFile' });

/** `GET /backup/files` response. */
export const FileListSchema = z.object({ files: z.array(BackupFileSchema), ...PageFields }).meta({ id: 'BackupFileList' });

/** One copy of a backup in a copy vault. */
export const BackupCopySchema = z
  .object({
    vault_uri: z.string().meta({ example: 's3://haven-copies-eu/vault/' }),
    status: z.enum(Object.values(CopyStatus)),
    snapshot_id: z.string().nullable().meta({ description: "The snapshot's id in the copy vault, once written" }),
    bytes_transferred: z.number().int().meta({ description: 'Stored bytes of the packs the copy wrote (0: the copy vault held every chunk)' }),
    blobs_transferred: z.number().int().meta({ description: 'Chunks read from the source vault and written to the copy vault' }),
    duration_ms: z.number().int().nullable(),
    completed_at: Timestamp.nullable(),
    deleted_at: Timestamp.nullable().optional().meta({ description: "When the copy vault's retention forgot it" }),
    error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
  })
  .meta({ id: 'BackupCopy' });

/** `GET /backup/backups/{backup_id}`: the backup with its run. */
export const BackupSchema = BackupFileSchema.extend({
  execution_id: z.string(),
  trigger: z.string(),
  ...ProgressFields,
  ...OutcomeFields,
  started_at: Timestamp,
  locked: z.boolean(),
  vault_uri: z.string().nullable().meta({ description: "The vault the backup was written to (s3://bucket/prefix/); null: the deployment's primary vault (records from before vaults were recorded)" }),
  copies: z.array(BackupCopySchema).meta({ description: "The backup's copies in the job's copy vaults (docs/COPIES.md); empty: none" }),
}).meta({ id: 'Backup' });
