/** Lambda: the backup workflow's Commit snapshot state. */
import { commitBackup } from '../../control/workflows/backup/commit.js';
import type { BackupContext } from '../../control/workflows/backup/types.js';
import { stepHandler } from '../shared/step-handler.js';

/** The Lambda entry point. */
export const handler = stepHandler('commit', (deps, event: { context: BackupContext }) => commitBackup(deps, event.context));
