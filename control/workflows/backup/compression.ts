/** The compression a backup uses: the job's stored setting, resolved as the compression module says, with the run's level if it names one. */
import { compressionConfigOf, type CompressionConfig } from '../../../vault/compression/settings.js';
import type { JobRecord } from '../../catalog/types.js';
import type { BackupStartInput } from './types.js';

/**
 * @throws InvalidCompressionConfigError for a stored setting or a run level the engine does not take
 */
export function compressionFor(job: JobRecord, input: BackupStartInput): CompressionConfig {
  return compressionConfigOf(job.compression, input.custom_parameters?.compression_level);
}
