/**
 * Reading a Step Functions execution's history (GetExecutionHistory's events)
 * in the workflow tests: which Task states ran, how often Step Functions
 * invoked each one's function (a Retry is one more invocation within the
 * same state entry), and what each invocation failed with.
 *
 * Map iterations interleave in the history, so each Lambda event is tied to
 * its state entry by following `previousEventId` back to the
 * `TaskStateEntered` it descends from.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** One entry into a Task state, with the Lambda invocations Step Functions made for it. */
export interface TaskEntry {
  /** The state's name. */
  state: string;
  /** Every invocation scheduled: the first, then one per Retry. */
  scheduled: HistoryEvent[];
  /** Invocations that failed (`lambdaFunctionFailedEventDetails.error` names the error). */
  failed: HistoryEvent[];
  /** The invocation that succeeded, if one did. */
  succeeded: HistoryEvent | undefined;
}

const LAMBDA_EVENT = /^LambdaFunction/;

/**
 * Every Task state entry of an execution, in history order.
 *
 * @param history - the execution's events, oldest first
 */
export function taskEntries(history: readonly HistoryEvent[]): TaskEntry[] {
  const byId = new Map(history.map((event) => [event.id, event]));
  const owner = new Map<number, TaskEntry>();
  const entries: TaskEntry[] = [];
  const ownerOf = (event: HistoryEvent): TaskEntry | undefined => {
    const chain: HistoryEvent[] = [];
    let found: TaskEntry | undefined;
    for (let at: HistoryEvent | undefined = event; at; at = byId.get(at.previousEventId)) {
      found = owner.get(at.id!);
      if (found) break;
      chain.push(at);
      if (at.type === 'TaskStateEntered') break;
    }
    if (found) for (const link of chain) owner.set(link.id!, found);
    return found;
  };
  for (const event of history) {
    if (event.type === 'TaskStateEntered') {
      const entry: TaskEntry = { state: event.stateEnteredEventDetails?.name ?? '', scheduled: [], failed: [], succeeded: undefined };
      owner.set(event.id!, entry);
      entries.push(entry);
      continue;
    }
    if (!LAMBDA_EVENT.test(event.type ?? '')) continue;
    const entry = ownerOf(event);
    if (!entry) continue;
    if (event.type === 'LambdaFunctionScheduled') entry.scheduled.push(event);
    else if (event.type === 'LambdaFunctionSucceeded') entry.succeeded = event;
    else if (event.type !== 'LambdaFunctionStarted') entry.failed.push(event);
  }
  return entries;
}

/** The entries into the Task state named `state`. */
export function entriesOf(history: readonly HistoryEvent[], state: string): TaskEntry[] {
  return taskEntries(history).filter((entry) => entry.state === state);
}

/** How many times Step Functions retried the function of the Task state named `state` (over all its entries). */
export function retriesOf(history: readonly HistoryEvent[], state: string): number {
  return entriesOf(history, state).reduce((n, entry) => n + Math.max(0, entry.scheduled.length - 1), 0);
}

/** Whether the execution entered the Task state named `state`. */
export function entered(history: readonly HistoryEvent[], state: string): boolean {
  return entriesOf(history, state).length > 0;
}

/** An execution's name: the last part of its ARN. */
export function executionName(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}
