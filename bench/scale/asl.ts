/**
 * What the capacity model reads from a workflow's ASL: the states a
 * successful execution passes through (at a Choice, the branch its rules
 * pick for the case's facts, see {@link ChoiceFacts}; a Parallel's branches
 * inline), its Distributed Maps (their mode, whether they batch and read
 * their items from S3) and the states each of their items (or batches)
 * runs. From these, the history events and state transitions of the parent
 * execution and of each child follow.
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

/** A workflow's happy path and its Maps. */
export interface WorkflowShape {
  /** States of the parent other than the Maps, in order. */
  parentStates: PathState[];
  /** The first Map on the path (the backup's export). */
  map: MapShape;
  /** Every Map on the path, in order (the backup's export, then its Verify packs). */
  maps: MapShape[];
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
  Choices?: ChoiceRule[];
  Default?: string;
  Branches?: AslMachine[];
}

/** A Choice rule, as far as the model evaluates it (`IsPresent`, `BooleanEquals`, `StringEquals` on a `$.a.b` path; `And`, `Or`, `Not` of such rules). */
interface ChoiceRule {
  Variable?: string;
  IsPresent?: boolean;
  BooleanEquals?: boolean;
  StringEquals?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Next?: string;
}

/**
 * What the model knows of a run's state where a Choice looks: the fields the
 * backup's Choices test (`$.plan.holder`, `$.verify_plan.read_packs`), as
 * the case would set them.
 */
export type ChoiceFacts = Readonly<Record<string, unknown>>;

interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/** An ASL document the model cannot follow. */
export class AslShapeError extends Error {
  override readonly name = 'AslShapeError';
}

/**
 * The states from `StartAt` following `Next` (a Choice's first rule) until a
 * state ends, each Parallel followed by its branches' states (Catch branches
 * are failures, not the happy path).
 */
function happyPath(machine: AslMachine, facts: ChoiceFacts): Array<[string, AslState]> {
  const path: Array<[string, AslState]> = [];
  let name: string | undefined = machine.StartAt;
  let steps = 0;
  while (name !== undefined) {
    const state: AslState | undefined = machine.States[name];
    if (!state) throw new AslShapeError(`state ${JSON.stringify(name)} is named but not defined`);
    if (++steps > Object.keys(machine.States).length) throw new AslShapeError(`the happy path loops at ${JSON.stringify(name)}`);
    path.push([name, state]);
    for (const branch of state.Type === 'Parallel' ? (state.Branches ?? []) : []) path.push(...happyPath(branch, facts));
    name = state.End ? undefined : state.Type === 'Choice' ? choose(name, state, facts) : state.Next;
  }
  return path;
}

/** The value at a `$.a.b` path of the facts (undefined when absent). */
function valueAt(facts: ChoiceFacts, path: string): unknown {
  let value: unknown = facts;
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Whether a rule holds for the facts (an absent variable matches only `IsPresent: false`). @throws AslShapeError for a rule the model cannot evaluate */
function holds(name: string, rule: ChoiceRule, facts: ChoiceFacts): boolean {
  if (rule.And) return rule.And.every((r) => holds(name, r, facts));
  if (rule.Or) return rule.Or.some((r) => holds(name, r, facts));
  if (rule.Not) return !holds(name, rule.Not, facts);
  if (rule.Variable === undefined || (rule.IsPresent === undefined && rule.BooleanEquals === undefined && rule.StringEquals === undefined)) {
    throw new AslShapeError(`Choice ${JSON.stringify(name)}: the model evaluates IsPresent, BooleanEquals and StringEquals rules (and And, Or, Not of them)`);
  }
  const value = valueAt(facts, rule.Variable);
  if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
  return rule.BooleanEquals !== undefined ? value === rule.BooleanEquals : value === rule.StringEquals;
}

/** The state a Choice goes to for the facts. @throws AslShapeError for a rule the model cannot evaluate */
function choose(name: string, state: AslState, facts: ChoiceFacts): string | undefined {
  for (const rule of state.Choices ?? []) if (holds(name, rule, facts)) return rule.Next;
  return state.Default;
}

function pathState([name, state]: [string, AslState]): PathState {
  return { name, type: state.Type, ...(state.Resource !== undefined ? { resource: state.Resource } : {}) };
}

function mapShape([name, map]: [string, AslState], facts: ChoiceFacts): MapShape {
  const processor = map.ItemProcessor ?? map.Iterator;
  if (!processor) throw new AslShapeError(`Map ${name} has no ItemProcessor`);
  return {
    name,
    declaredMode: map.ItemProcessor?.ProcessorConfig?.Mode ?? 'INLINE',
    batched: map.ItemBatcher !== undefined,
    itemReader: map.ItemReader !== undefined,
    itemStates: happyPath(processor, facts).map(pathState),
  };
}

/**
 * The shape of a workflow definition with at least one Map on its happy path.
 * @param facts - what the run's state holds where a Choice looks (absent fields take a Choice's Default)
 * @throws AslShapeError when the path is broken or holds no Map
 */
export function workflowShape(definition: AslMachine, facts: ChoiceFacts = {}): WorkflowShape {
  const path = happyPath(definition, facts);
  const maps = path.filter(([, state]) => state.Type === 'Map').map((map) => mapShape(map, facts));
  if (maps.length === 0) throw new AslShapeError('expected a Map on the happy path, found none');
  return { parentStates: path.filter(([, state]) => state.Type !== 'Map').map(pathState), map: maps[0]!, maps };
}

/** Reads and shapes an ASL file. @throws AslShapeError (see {@link workflowShape}) */
export function readWorkflowShape(file: string, facts: ChoiceFacts = {}): WorkflowShape {
  return workflowShape(JSON.parse(readFileSync(file, 'utf8')) as AslMachine, facts);
}

/**
 * History events a state adds when it succeeds at its first attempt
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 * a Lambda Task enters, schedules, starts, succeeds and exits; a Pass,
 * Choice, Succeed or Fail enters and exits; a Parallel enters, starts,
 * succeeds and exits (its branches' states add their own); a Map enters,
 * starts, succeeds and exits, plus `MapRunStarted`/`MapRunSucceeded` when
 * distributed, plus two events per iteration (`MapIterationStarted`/
 * `Succeeded`) when inline; an execution starts and succeeds.
 */
export const HISTORY_EVENTS = {
  task: 5,
  other: 2,
  parallel: 4,
  map: 4,
  distributedMapRun: 2,
  inlineIteration: 2,
  execution: 2,
} as const;

/** History events of a list of non-Map states. */
export function stateEvents(states: readonly PathState[]): number {
  return states.reduce((n, s) => n + (s.type === 'Task' ? HISTORY_EVENTS.task : s.type === 'Parallel' ? HISTORY_EVENTS.parallel : HISTORY_EVENTS.other), 0);
}
