/**
 * Start copies: the backup workflow's step after Finalize (when the job
 * lists copy vaults) starts the copy workflow for the backup. The execution
 * is named after the backup, so a retried start finds the first
 * (`ExecutionAlreadyExists` is success). A Lambda step rather than the
 * `arn:aws:states:::states:startExecution` integration: the local cloud's
 * interpreter (moto 5's Step Functions parser) cannot run that integration
 * (it hands `StateMachineArn` to botocore without renaming it to
 * `stateMachineArn`, and botocore's serializer fails with a KeyError), so
 * the e2e tests could not run the copy path.
 */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../../vault/aws/clients.js';
import type { CopyStartInput } from './types.js';
import { CopyVaultsUnavailableError } from './errors.js';

/** What Start copies returns. */
export interface CopiesStarted {
  backup_id: string;
  /** The copy execution (started now, or by an earlier attempt). */
  execution_name: string;
  already_started: boolean;
}

/**
 * Starts the copy workflow for a backup.
 *
 * @param stateMachineArn - the copy state machine (undefined: not configured)
 * @param input - the backup
 * @throws CopyVaultsUnavailableError when no copy state machine is configured; the SDK's errors otherwise
 */
export async function startCopies(stateMachineArn: string | undefined, input: CopyStartInput): Promise<CopiesStarted> {
  if (!stateMachineArn) throw new CopyVaultsUnavailableError('no copy state machine is configured for this function');
  try {
    await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name: input.backup_id, input: JSON.stringify({ backup_id: input.backup_id }) }));
    return { backup_id: input.backup_id, execution_name: input.backup_id, already_started: false };
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return { backup_id: input.backup_id, execution_name: input.backup_id, already_started: true };
  }
}
