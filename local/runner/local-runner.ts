/**
 * Runs Haven's state machines locally with `aws-local-stepfunctions`: the
 * same ASL files CDK deploys, each Lambda task mapped to its handler
 * in-process. Payloads go through JSON (as they do through Lambda), their
 * sizes are recorded, and each execution keeps its event history for
 * inspection the way the console shows it.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { LocalStackError } from '../node-version.js';
import { loadDefinition, statesWithRetry, taskStates, type AslDefinition } from './definitions.js';

/** A Lambda handler as the runner calls it. */
export type TaskHandler = (event: unknown, context: LocalLambdaContext) => Promise<unknown>;

/** The subset of the Lambda context Haven's handlers use. */
export interface LocalLambdaContext {
  awsRequestId: string;
  functionName: string;
  getRemainingTimeInMillis(): number;
}

/** Status of a local execution, named as Step Functions names them. */
export const ExecutionStatus = { Running: 'RUNNING', Succeeded: 'SUCCEEDED', Failed: 'FAILED', Aborted: 'ABORTED' } as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** One recorded event: an engine event or a task invocation with payload sizes. */
export interface HistoryEvent {
  type: string;
  timestamp: number;
  state?: string;
  error?: string;
  cause?: string;
  inputBytes?: number;
  outputBytes?: number;
}

/** A local execution. */
export interface LocalExecution {
  executionArn: string;
  stateMachine: string;
  name: string;
  input: unknown;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Settles when the execution ends (never rejects). */
  done: Promise<LocalExecution>;
}

/** Raised for an unknown state machine or execution. */
export class LocalRunnerError extends LocalStackError {
  override readonly name = 'LocalRunnerError';
}

/** A state machine the runner can start. */
export interface MachineConfig {
  /** File stem in `statemachines/`. */
  file: string;
  substitutions: Readonly<Record<string, string>>;
}

/** How the runner runs. */
export interface RunnerOptions {
  /** Replaces every Retry interval (milliseconds), so tests don't wait out real backoff. */
  retryIntervalMs?: number;
}

/** Payload limit of Step Functions and Lambda (256 KiB). */
export const PAYLOAD_LIMIT = 256 * 1024;

const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;

/** Runs ASL state machines in-process. */
export class LocalRunner {
  private readonly machines = new Map<string, { definition: AslDefinition; taskNames: Map<string, string>; retrying: string[] }>();
  private readonly executions = new Map<string, LocalExecution & { abort?: () => void }>();

  /**
   * @param machines - state machines by name
   * @param handlers - handlers by function name (the last `:`-separated part of a task's resource ARN)
   */
  constructor(
    machines: Readonly<Record<string, MachineConfig>>,
    private readonly handlers: Readonly<Record<string, TaskHandler>>,
    private readonly options: RunnerOptions = {},
  ) {
    for (const [name, config] of Object.entries(machines)) {
      const definition = loadDefinition(config.file, config.substitutions);
      const taskNames = new Map<string, string>();
      for (const task of taskStates(definition)) {
        const fn = task.resource.split(':').pop() ?? task.resource;
        if (!handlers[fn]) throw new LocalRunnerError(`state ${task.name} of ${name} calls ${fn}, which has no local handler`);
        taskNames.set(task.name, fn);
      }
      this.machines.set(name, { definition, taskNames, retrying: statesWithRetry(definition) });
    }
  }

  /** The ARN-like id of a state machine. */
  stateMachineArn(name: string): string {
    return `arn:aws:states:local:000000000000:stateMachine:${name}`;
  }

  /** Starts an execution; returns at once. */
  start(machineName: string, input: unknown, name: string = randomUUID()): LocalExecution {
    const machine = this.machines.get(machineName);
    if (!machine) throw new LocalRunnerError(`no state machine named ${machineName}`);
    const executionArn = `arn:aws:states:local:000000000000:execution:${machineName}:${name}`;
    if (this.executions.has(executionArn)) throw new LocalRunnerError(`execution ${name} already exists`);
    const history: HistoryEvent[] = [];
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, fn] of machine.taskNames) overrides[state] = (taskInput) => this.invoke(fn, state, taskInput, history);
    const sm = new StateMachine(machine.definition as never, { validationOptions: { checkArn: false } });
    const run = sm.run(structuredClone(input) as never, {
      overrides: {
        taskResourceLocalHandlers: overrides as never,
        ...(this.options.retryIntervalMs !== undefined
          ? { retryIntervalOverrides: Object.fromEntries(machine.retrying.map((state) => [state, this.options.retryIntervalMs!])) }
          : {}),
      },
      context: { Execution: { Id: executionArn, Name: name, Input: input, StartTime: new Date().toISOString() } } as never,
    });
    const execution: LocalExecution & { abort?: () => void } = {
      executionArn,
      stateMachine: machineName,
      name,
      input,
      status: ExecutionStatus.Running,
      startDate: new Date(),
      history,
      abort: run.abort,
      done: Promise.resolve(undefined as never),
    };
    void (async () => {
      for await (const event of run.eventLogs) {
        const e = event as { type: string; timestamp?: number; state?: { name?: string }; Error?: string; Cause?: string };
        history.push({ type: e.type, timestamp: e.timestamp ?? Date.now(), ...(e.state?.name ? { state: e.state.name } : {}), ...(e.Error ? { error: e.Error, cause: e.Cause ?? '' } : {}) });
      }
    })().catch(() => {});
    execution.done = run.result.then(
      (output: unknown) => Object.assign(execution, { status: ExecutionStatus.Succeeded, output, stopDate: new Date() }),
      (error: unknown) => {
        const err = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
        const aborted = err.name === 'ExecutionAbortedError';
        return Object.assign(execution, {
          status: aborted ? ExecutionStatus.Aborted : ExecutionStatus.Failed,
          error: err.cause?.name ?? err.name ?? 'Error',
          cause: err.cause?.message ?? err.message ?? '',
          stopDate: new Date(),
        });
      },
    );
    this.executions.set(executionArn, execution);
    return execution;
  }

  /** Starts an execution and waits for it to end. */
  async run(machineName: string, input: unknown, name?: string): Promise<LocalExecution> {
    return this.start(machineName, input, name).done;
  }

  /** An execution by ARN. */
  describe(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new LocalRunnerError(`no execution ${executionArn}`);
    return execution;
  }

  /** Every execution started, newest last. */
  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Stops a running execution (status ABORTED). */
  stop(executionArn: string): void {
    const execution = this.executions.get(executionArn);
    if (execution?.status === ExecutionStatus.Running) execution.abort?.();
  }

  private async invoke(fn: string, state: string, input: unknown, history: HistoryEvent[]): Promise<unknown> {
    const payload = JSON.stringify(input ?? null);
    const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
    const context: LocalLambdaContext = { awsRequestId: randomUUID(), functionName: fn, getRemainingTimeInMillis: () => deadline - Date.now() };
    const output = await this.handlers[fn]!(JSON.parse(payload), context);
    const text = JSON.stringify(output ?? null);
    history.push({ type: 'TaskInvoked', timestamp: Date.now(), state, inputBytes: Buffer.byteLength(payload), outputBytes: Buffer.byteLength(text) });
    return JSON.parse(text) as unknown;
  }
}
