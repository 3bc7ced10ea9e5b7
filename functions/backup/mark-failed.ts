/** Lambda: the backup workflow's Mark failed state. */
import { markBackupFailed, type FailedState } from '../../control/workflows/backup/mark-failed.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('mark-failed', (deps, event: { state: FailedState }) => markBackupFailed(deps, event.state));
