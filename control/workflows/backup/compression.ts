/** The compression a backup uses, from the job's settings and the run's parameters. */
import type { CompressionConfig } from '../../../vault/compression/codec.js';
import type { JobRecord } from '../../catalog/types.js';
import { InvalidJobError } from '../errors.js';
import type { BackupStartInput } from './types.js';

/** zstd level 3 unless the job or the run says otherwise; `enabled: false` stores chunks uncompressed. */
export function compressionFor(job: JobRecord, input: BackupStartInput): CompressionConfig {
  if (job.compression && job.compression.enabled === false) return { algorithm: 'none' };
  const algorithm = job.compression?.algorithm ?? 'zstd';
  if (algorithm !== 'zstd' && algorithm !== 'gzip' && algorithm !== 'none') {
    throw new InvalidJobError(`compression algorithm '${algorithm}' is not supported (zstd, gzip or none)`);
  }
  const level = input.custom_parameters?.compression_level ?? job.compression?.level;
  return { algorithm, ...(typeof level === 'number' && algorithm !== 'none' ? { level } : {}) };
}
