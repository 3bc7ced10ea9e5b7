/** Lambda: the backup workflow's Finalize state. */
import { finalizeBackup } from '../../control/workflows/backup/finalize.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('finalize', finalizeBackup);
