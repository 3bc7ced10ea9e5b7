/** Lambda: the backup workflow's Plan state. */
import { planBackup } from '../../control/workflows/backup/plan.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('plan', planBackup);
