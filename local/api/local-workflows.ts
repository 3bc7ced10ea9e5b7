/** {@link WorkflowStarter} on the local runner: the same ASL, run in-process. */
import type { Machine, WorkflowStarter } from '../../engine/api/ports.js';
import type { LocalRunner } from '../runner/local-runner.js';

/** Starts and stops executions on a local runner. */
export class LocalWorkflowStarter implements WorkflowStarter {
  constructor(private readonly runner: LocalRunner) {}

  /** Starts `name` at once (it runs in the background). */
  async start(machine: Machine, name: string, input: Record<string, unknown>): Promise<{ executionArn: string }> {
    return { executionArn: this.runner.start(machine, input, name).executionArn };
  }

  /** Aborts `name` if it runs. */
  async stop(machine: Machine, name: string): Promise<void> {
    const arn = this.runner.list().find((e) => e.stateMachine === machine && e.name === name)?.executionArn;
    if (arn) this.runner.stop(arn);
  }
}
