/** Job definitions for workflow tests. */
import type { NewJob, SourceConfig } from '../../control/catalog/types.js';

/** A job backing up `source`, with the seed's defaults and no schedule. */
export function newJob(source: SourceConfig, overrides: Partial<NewJob> = {}): NewJob {
  return {
    job_name: `test job ${source.type}`,
    description: 'workflow test',
    backup_type: 'incremental',
    source,
    destination: { type: 'vault' },
    schedule: { frequency: 'daily', time: '02:00', timezone: 'UTC', enabled: false },
    retention: { days: 30 },
    compression: { enabled: true, algorithm: 'zstd', level: 3 },
    encryption: { enabled: true, algorithm: 'AES-256-GCM' },
    verification: { enabled: true, checksum_verification: true, integrity_check: true, test_restore: false },
    notifications: { on_success: true, on_failure: true, on_warning: false, recipients: [] },
    created_by: 'test',
    ...overrides,
  };
}
