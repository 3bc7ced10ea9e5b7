/**
 * What the capacity model reads from a workflow's ASL: the states a
 * successful execution passes through, the export Map (its mode, whether it
 * batches and reads its items from S3) and the states each of its items (or
 * batches) runs. From these, the history events and state transitions of the
 * parent execution and of each child follow.
 */
import { readFileSync } from 'node:fs';

/** A state on the happy path. */
export interface PathState {
  name: string;
  type: string;
  /** A Task's `Resource` as written (a `${Placeholder}` the step tables fill). */
  resource?: string;
}

/** The fan-out Map of a workflow. */
export interface MapShape {
  name: string;
  /** `INLINE` or `DISTRIBUTED`, as the ASL declares it. */
  declaredMode: string;
  /** Whether the ASL batches items (`ItemBatcher`). */
  batched: boolean;
  /** Whether the Map reads its items from S3 (`ItemReader`) rather than from the state. */
  itemReader: boolean;
  /** The states one item (or batch) runs through. */
  itemStates: PathState[];
}

/** A workflow's happy path and its Map. */
export interface WorkflowShape {
  /** States of the parent other than the Map, in order. */
  parentStates: PathState[];
  map: MapShape;
}

/** A state of an ASL document, as far as the model reads it. */
interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  ItemProcessor?: AslMachine & { ProcessorConfig?: { Mode?: string } };
  Iterator?: AslMachine;
  ItemBatcher?: unknown;
  ItemReader?: unknown;
}

interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/** An ASL document the model cannot follow. */
export class AslShapeError extends Error {
  override readonly name = 'AslShapeError';
}

/** The states from `StartAt` following `Next` until a state ends (Catch branches are failures, not the happy path). */
function happyPath(machine: AslMachine): Array<[string, AslState]> {
  const path: Array<[string, AslState]> = [];
  let name: string | undefined = machine.StartAt;
  while (name !== undefined) {
    const state: AslState | undefined = machine.States[name];
    if (!state) throw new AslShapeError(`state ${JSON.stringify(name)} is named but not defined`);
    if (path.length > Object.keys(machine.States).length) throw new AslShapeError(`the happy path loops at ${JSON.stringify(name)}`);
    path.push([name, state]);
    name = state.End ? undefined : state.Next;
  }
  return path;
}

function pathState([name, state]: [string, AslState]): PathState {
  return { name, type: state.Type, ...(state.Resource !== undefined ? { resource: state.Resource } : {}) };
}

/**
 * The shape of a workflow definition with exactly one Map on its happy path.
 * @throws AslShapeError when the path is broken or holds no Map, or more than one
 */
export function workflowShape(definition: AslMachine): WorkflowShape {
  const path = happyPath(definition);
  const maps = path.filter(([, state]) => state.Type === 'Map');
  if (maps.length !== 1) throw new AslShapeError(`expected one Map on the happy path, found ${maps.length}`);
  const [mapName, map] = maps[0]!;
  const processor = map.ItemProcessor ?? map.Iterator;
  if (!processor) throw new AslShapeError(`Map ${mapName} has no ItemProcessor`);
  return {
    parentStates: path.filter(([, state]) => state.Type !== 'Map').map(pathState),
    map: {
      name: mapName,
      declaredMode: map.ItemProcessor?.ProcessorConfig?.Mode ?? 'INLINE',
      batched: map.ItemBatcher !== undefined,
      itemReader: map.ItemReader !== undefined,
      itemStates: happyPath(processor).map(pathState),
    },
  };
}

/** Reads and shapes an ASL file. @throws AslShapeError (see {@link workflowShape}) */
export function readWorkflowShape(file: string): WorkflowShape {
  return workflowShape(JSON.parse(readFileSync(file, 'utf8')) as AslMachine);
}

/**
 * History events a state adds when it succeeds at its first attempt
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 * a Lambda Task enters, schedules, starts, succeeds and exits; a Pass,
 * Choice, Succeed or Fail enters and exits; a Map enters, starts, succeeds
 * and exits, plus `MapRunStarted`/`MapRunSucceeded` when distributed, plus two
 * events per iteration (`MapIterationStarted`/`Succeeded`) when inline; an
 * execution starts and succeeds.
 */
export const HISTORY_EVENTS = {
  task: 5,
  other: 2,
  map: 4,
  distributedMapRun: 2,
  inlineIteration: 2,
  execution: 2,
} as const;

/** History events of a list of non-Map states. */
export function stateEvents(states: readonly PathState[]): number {
  return states.reduce((n, s) => n + (s.type === 'Task' ? HISTORY_EVENTS.task : HISTORY_EVENTS.other), 0);
}
