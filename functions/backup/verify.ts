/** Lambda: the backup workflow's Verify state. */
import { verifyBackup } from '../../control/workflows/backup/verify.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('verify', verifyBackup);
