/** Backups (`/backup/files`, `/backup/backups/{backup_id}`). */
import { z } from 'zod';
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

/** `GET /backup/backups/{backup_id}`: the backup with its run. */
export const BackupSchema = BackupFileSchema.extend({
  execution_id: z.string(),
  trigger: z.string(),
  ...ProgressFields,
  ...OutcomeFields,
  started_at: Timestamp,
  locked: z.boolean(),
}).meta({ id: 'Backup' });
