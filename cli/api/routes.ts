/**
 * The REST API's routes, in one place (seed 001 plus the list, get, update
 * and delete routes of Haven's API). Every path is relative to the endpoint.
 */
const e = encodeURIComponent;

/** Route paths by resource. */
export const Routes = {
  jobs: '/backup/jobs',
  job: (jobId: string) => `/backup/jobs/${e(jobId)}`,
  execute: (jobId: string) => `/backup/jobs/${e(jobId)}/execute`,
  jobStatus: (jobId: string) => `/backup/jobs/${e(jobId)}/status`,
  jobRetention: (jobId: string) => `/backup/jobs/${e(jobId)}/retention`,
  cancelExecution: (executionId: string) => `/backup/executions/${e(executionId)}/cancel`,
  files: '/backup/files',
  backup: (backupId: string) => `/backup/backups/${e(backupId)}`,
  verify: (backupId: string) => `/backup/backups/${e(backupId)}/verify`,
  verification: (verificationId: string) => `/backup/verifications/${e(verificationId)}`,
  restores: '/backup/restores',
  restore: (restoreId: string) => `/backup/restores/${e(restoreId)}`,
  restoreStatus: (restoreId: string) => `/backup/restores/${e(restoreId)}/status`,
  analytics: '/backup/analytics',
} as const;

/** The array field each list answers with (`{files: […], next_cursor}`). */
export const ListField = {
  jobs: 'jobs',
  files: 'files',
  restores: 'restores',
} as const;
/** One of {@link ListField}. */
export type ListField = (typeof ListField)[keyof typeof ListField];
