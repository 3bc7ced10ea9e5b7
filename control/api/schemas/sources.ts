/**
 * Sources a job reads and destinations a restore writes: each kind's own
 * schemas (sources/<kind>/config.ts), as sources/config.ts unites them.
 * Credentials are never part of a request: a source that needs them names a
 * Secrets Manager secret in `secret_arn`.
 */
import { RestoreDestinationSchema as Destinations, SourceConfigSchema } from '../../../sources/config.js';

/** What a job backs up. */
export const SourceSchema = SourceConfigSchema.meta({ id: 'Source' });

/** Where a restore writes. */
export const RestoreDestinationSchema = Destinations.meta({ id: 'RestoreDestination' });

export { ConflictPolicySchema } from '../../../sources/config-fields.js';
