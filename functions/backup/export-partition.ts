/** Lambda: one iteration of the backup workflow's Export partitions map. */
import { exportPartition } from '../../control/workflows/backup/export-partition.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('export-partition', exportPartition);
