/**
 * Starts and follows executions of the template's state machines in the
 * emulator's Step Functions, through the same API calls a caller makes in
 * AWS (StartExecution, DescribeExecution, GetExecutionHistory).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../vault/aws/clients.js';
import { LocalStackError } from '../node-version.js';
import type { Deployment } from './deployment.js';

/** The workflows by the name the API and tests use, with the template output naming each state machine. */
export const WORKFLOW_OUTPUTS = {
  backup: 'BackupStateMachineArn',
  restore: 'RestoreStateMachineArn',
  verify: 'VerifyStateMachineArn',
  prune: 'PruneStateMachineArn',
  copy: 'CopyStateMachineArn',
} as const;
export type WorkflowName = keyof typeof WORKFLOW_OUTPUTS;

/** Step Functions' limits that the emulator does not enforce by itself (one owner). */
export const StepFunctionsLimits = {
  /** Events in one execution's history. */
  historyEvents: 25_000,
  /** A state's input or output, in bytes (256 KiB). */
  payloadBytes: 256 * 1024,
} as const;

/** An execution's status, as Step Functions names it. */
export const ExecutionStatus = { Running: 'RUNNING', Succeeded: 'SUCCEEDED', Failed: 'FAILED', TimedOut: 'TIMED_OUT', Aborted: 'ABORTED' } as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** A finished (or running) execution with its history. */
export interface Execution {
  executionArn: string;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Every history event, oldest first. */
  history: HistoryEvent[];
}

/** An execution broke a Step Functions limit the emulator does not enforce. */
export class StepFunctionsLimitError extends LocalStackError {
  override readonly name = 'StepFunctionsLimitError';
}

/**
 * Reads an execution, again after a moment when the emulator answers with a
 * server error: moto's interpreter can fail a read (an HTML 500 page) while a
 * StopExecution lands on a running execution. Up to eight tries.
 */
async function read<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = (error as { $response?: { statusCode?: number }; $metadata?: { httpStatusCode?: number } }).$response?.statusCode ?? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // The error page is HTML: the SDK may report it as a body it could not parse rather than by its status.
      const errorPage = error instanceof SyntaxError || /Deserialization error/.test(String((error as Error).message));
      if (attempt >= 8 || !(errorPage || (status !== undefined && status >= 500))) throw error;
      await sleep(200 * attempt);
    }
  }
}

/** How long {@link Workflows.run} waits by default (15 minutes). */
const DEFAULT_WAIT_MS = 15 * 60 * 1000;

/** Executions of one deployment's state machines. */
export class Workflows {
  constructor(private readonly deployment: Deployment) {}

  /** A state machine's ARN, from the template's outputs. */
  stateMachineArn(name: WorkflowName): string {
    const arn = this.deployment.outputs[WORKFLOW_OUTPUTS[name]];
    if (!arn) throw new LocalStackError(`the template has no output ${WORKFLOW_OUTPUTS[name]}`);
    return arn;
  }

  /** The ARN of an execution by its name (the API names executions by record id). */
  executionArn(name: WorkflowName, executionName: string): string {
    return `${this.stateMachineArn(name).replace(':stateMachine:', ':execution:')}:${executionName}`;
  }

  /** Starts an execution; returns its ARN at once. */
  async start(name: WorkflowName, input: unknown, executionName: string = randomUUID()): Promise<string> {
    const out = await sfnClient().send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn(name), name: executionName, input: JSON.stringify(input ?? {}) }));
    return out.executionArn!;
  }

  /** Starts an execution and waits for it to end. */
  async run(name: WorkflowName, input: unknown, executionName?: string): Promise<Execution> {
    return this.wait(await this.start(name, input, executionName));
  }

  /**
   * Waits for an execution to end and reads its history.
   * @throws StepFunctionsLimitError when the history is longer than Step Functions allows
   */
  async wait(executionArn: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Execution> {
    const deadline = Date.now() + timeoutMs;
    let delay = 50;
    for (;;) {
      const out = await read(() => sfnClient().send(new DescribeExecutionCommand({ executionArn })));
      if (out.status !== ExecutionStatus.Running) {
        const history = await this.history(executionArn);
        if (history.length > StepFunctionsLimits.historyEvents) {
          throw new StepFunctionsLimitError(`${executionArn} has ${history.length} history events; Step Functions fails an execution past ${StepFunctionsLimits.historyEvents}`);
        }
        return {
          executionArn,
          status: out.status as ExecutionStatus,
          ...(out.output !== undefined ? { output: JSON.parse(out.output) as unknown } : {}),
          ...(out.error !== undefined ? { error: out.error } : {}),
          ...(out.cause !== undefined ? { cause: out.cause } : {}),
          history,
        };
      }
      if (Date.now() > deadline) throw new LocalStackError(`${executionArn} still runs after ${timeoutMs} ms`);
      await sleep(delay);
      delay = Math.min(500, delay * 2);
    }
  }

  /** Stops a running execution. */
  async stop(executionArn: string, cause = 'stopped'): Promise<void> {
    await sfnClient().send(new StopExecutionCommand({ executionArn, cause }));
  }

  /** Every history event of an execution. */
  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await read(() => sfnClient().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) })));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }
}
