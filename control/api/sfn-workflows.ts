/**
 * {@link WorkflowStarter} on Step Functions: executions are named after the
 * record they run (`exec_…`, `restore_…`), so a start retried with the same
 * name and input is idempotent, and a stop finds the execution by name.
 */
import { ExecutionDoesNotExist, ExecutionAlreadyExists, SFNServiceException, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../vault/aws/clients.js';
import { HavenError } from '../../vault/errors.js';
import type { Machine, WorkflowStarter } from './ports.js';

/** The API was not told the ARN of a state machine it needs. */
export class UnknownMachineError extends HavenError {
  override readonly name = 'UnknownMachineError';
}

/**
 * The ARN of an execution of a standard state machine.
 *
 * @param stateMachineArn - `arn:aws:states:<region>:<account>:stateMachine:<name>`
 * @param name - the execution's name
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** Starts and stops executions of the deployment's state machines. */
export class SfnWorkflowStarter implements WorkflowStarter {
  /** @param machines - state machine ARN by machine */
  constructor(private readonly machines: Partial<Record<Machine, string>>) {}

  private arn(machine: Machine): string {
    const arn = this.machines[machine];
    if (!arn) throw new UnknownMachineError(`no ${machine} state machine is configured`);
    return arn;
  }

  /** Starts `name`; an execution of that name already started with the same input counts as started. */
  async start(machine: Machine, name: string, input: Record<string, unknown>): Promise<{ executionArn: string }> {
    const stateMachineArn = this.arn(machine);
    try {
      const out = await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn ?? executionArnOf(stateMachineArn, name) };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return { executionArn: executionArnOf(stateMachineArn, name) };
      throw error;
    }
  }

  /** Stops `name`; one that ended or never started is left alone. */
  async stop(machine: Machine, name: string, cause: string): Promise<void> {
    const executionArn = executionArnOf(this.arn(machine), name);
    try {
      await sfnClient().send(new StopExecutionCommand({ executionArn, cause: cause.slice(0, 32_000), error: 'Cancelled' }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return;
      if (error instanceof SFNServiceException && /not running|already|has ended/i.test(error.message)) return;
      throw error;
    }
  }
}
