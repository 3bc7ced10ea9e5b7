/**
 * The store of every tracked kind (executions, restores, verifications,
 * prune runs),
 * parameterized by a {@link RecordKind}: create, get, status transitions,
 * progress, annotations and lists, each write conditional.
 */
import type { CatalogContext } from './context.js';
import { InvalidRecordError, InvalidTransitionError, NotFoundError, NotRunningError } from './errors.js';
import { checkPatch, field, pickFilters } from './fields.js';
import { checkId, newId, type IdPrefix } from './ids.js';
import { ConditionFailed, findRecord, getRecord, putNew, toRecord, updateIf, type Item } from './items.js';
import { itemKeys, listPartition, type KindKeys } from './keys.js';
import { listPage, type Page, type PageQuery, type TimeQuery } from './pagination.js';
import { assertNoSecrets } from './secrets.js';
import { canTransition, isRecordStatus, isTerminal, PRECEDING_STATUSES, RecordStatus } from './status.js';
import { secondsBetween, timeRange, toTimestamp } from './time.js';
import { doneUpdate, totalsUpdate, type DoneCount, type RunTotals } from './progress-counts.js';
import type { ProgressUpdate, Timestamp, TrackedFields } from './types.js';

/** List options every tracked kind takes. */
export interface TrackedListQuery extends PageQuery, TimeQuery {
  status?: RecordStatus;
}

/** The types of one tracked kind. */
export interface KindTypes {
  record: TrackedFields;
  create: object;
  /** What a transition may also write. */
  patch: object;
  /** What may change in any status. */
  annotation: object;
  query: TrackedListQuery;
}

/** How one tracked kind is stored. */
export interface RecordKind<T extends KindTypes> {
  keys: KindKeys;
  idPrefix: IdPrefix;
  /** The field holding the record's id (`execution_id`). */
  idField: string;
  /** The field whose time orders lists; set at create, never changed. */
  timeField: 'started_at' | 'created_at';
  /**
   * The field naming the parent the kind is listed under in gsi2 (`job_id`,
   * `backup_id`); absent for a kind without a parent (prune runs), listed in gsi1 only.
   */
  parentField?: string;
  /** The id prefix the parent id must carry, if any. */
  parentPrefix?: IdPrefix;
  /** List filters besides `status`. */
  filterFields: readonly string[];
  /** Fields a transition patch may carry. */
  patchFields: readonly string[];
  /** Fields an annotation may carry. */
  annotationFields: readonly string[];
  /**
   * The full record from a create input (the store then sets the time field).
   *
   * @param input - what the caller gave
   * @param id - the record id
   * @param now - the creation time
   */
  build(input: T['create'], id: string, now: Timestamp): T['record'];
}

const CREATE_STATUSES: readonly RecordStatus[] = [RecordStatus.Queued, RecordStatus.Running];
/** Attempts of a transition that keeps losing to progress reports. */
const MAX_ATTEMPTS = 5;

function checkProgress(progress: unknown): number {
  if (typeof progress !== 'number' || !(progress >= 0 && progress <= 100)) throw new InvalidRecordError(`progress must be from 0 to 100, not ${String(progress)}`);
  return progress;
}

/** Create, read, move and list the records of one tracked kind. */
export class RecordStore<T extends KindTypes> {
  /**
   * @param ctx - the catalog
   * @param kind - how the kind is stored
   */
  constructor(
    private readonly ctx: CatalogContext,
    readonly kind: RecordKind<T>,
  ) {}

  private get name(): string {
    return this.kind.keys.kind;
  }

  /**
   * Creates a record, never over an existing one.
   *
   * @param input - the new record's fields
   * @returns the record as stored
   * @throws AlreadyExistsError, SecretInRecordError, InvalidRecordError
   */
  async create(input: T['create']): Promise<T['record']> {
    const { kind, ctx } = this;
    const now = ctx.timestamp();
    const id = checkId(field(input, kind.idField) ?? newId(kind.idPrefix, ctx.now()), this.name, kind.idPrefix);
    const time = toTimestamp(field(input, kind.timeField) ?? now, kind.timeField);
    const record: T['record'] = { ...kind.build(input, id, now), [kind.timeField]: time, updated_at: now };
    if (!CREATE_STATUSES.includes(record.status)) throw new InvalidRecordError(`a new ${this.name} is queued or running, not ${record.status}`);
    assertNoSecrets(record);
    const parent = kind.parentField === undefined ? undefined : checkId(field(record, kind.parentField), kind.parentField, kind.parentPrefix);
    await putNew(ctx, kind.keys, id, itemKeys(kind.keys, id, time, parent), record);
    return record;
  }

  /**
   * @param id - the record id
   * @returns the record, or undefined when there is none
   */
  find(id: string): Promise<T['record'] | undefined> {
    return findRecord(this.ctx, this.kind.keys, id);
  }

  /**
   * @param id - the record id
   * @returns the record
   * @throws NotFoundError
   */
  get(id: string): Promise<T['record']> {
    return getRecord(this.ctx, this.kind.keys, id);
  }

  /**
   * Moves a record to another status, if the life cycle allows it from the
   * status it is in when written (a condition on `status`, so of two
   * concurrent moves from one status exactly one wins). Entering `running`
   * sets `started_at` if unset; a terminal status sets `completed_at` and
   * `duration`; `completed` sets `progress` to 100. A `progress` in the
   * patch never lowers the stored progress (it is raised to it).
   *
   * @param id - the record id
   * @param to - the new status
   * @param patch - fields to write with it
   * @returns the record after the move
   * @throws InvalidTransitionError (with the current status), NotFoundError, SecretInRecordError
   */
  async transition(id: string, to: RecordStatus, patch: T['patch'] = {}): Promise<T['record']> {
    checkPatch(patch, this.kind.patchFields, `a ${this.name} transition`);
    const asked = field(patch, 'progress');
    if (asked !== undefined) checkProgress(asked);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(id);
      if (!canTransition(current.status, to)) throw new InvalidTransitionError(this.name, id, current.status, to);
      const out = await this.move(id, current, to, patch);
      if (!(out instanceof ConditionFailed)) return out;
      // Lost to a concurrent write: a status change is final; a progress report in between is retried.
      const status = out.current?.status;
      if (!out.current || !isRecordStatus(status) || !canTransition(status, to) || attempt >= MAX_ATTEMPTS) {
        throw this.lost(id, out.current, (now) => new InvalidTransitionError(this.name, id, now, to));
      }
    }
  }

  private move(id: string, current: TrackedFields, to: RecordStatus, patch: T['patch']): Promise<T['record'] | ConditionFailed> {
    const now = this.ctx.timestamp();
    const startedAt = current.started_at ?? (to === RecordStatus.Running ? now : null);
    const asked = field(patch, 'progress');
    const progress = to === RecordStatus.Completed ? 100 : typeof asked === 'number' ? Math.max(asked, current.progress) : undefined;
    const set = {
      ...patch,
      status: to,
      progress,
      updated_at: now,
      started_at: startedAt,
      ...(isTerminal(to) ? { completed_at: now, duration: startedAt === null ? null : secondsBetween(startedAt, now) } : {}),
    };
    return updateIf<T['record']>(this.ctx, this.kind.keys, id, (e) => {
      const statusOk = e.oneOf('status', PRECEDING_STATUSES[to]);
      // A run that ended counts nothing more: its progress marks go.
      return { update: e.update(set, isTerminal(to) ? ['progress_marks'] : []), condition: progress === undefined ? statusOk : `${statusOk} AND ${e.name('progress')} <= ${e.value(progress)}` };
    });
  }

  /**
   * Records progress while the record runs. Progress never goes down: a
   * report below the stored progress changes nothing and returns the record as it is.
   *
   * @param id - the record id
   * @param update - progress (0–100) and optionally the phase
   * @returns the record after the update
   * @throws NotRunningError, NotFoundError, InvalidRecordError
   */
  async updateProgress(id: string, update: ProgressUpdate): Promise<T['record']> {
    const { phase } = update;
    const progress = checkProgress(update.progress);
    const out = await updateIf<T['record']>(this.ctx, this.kind.keys, id, (e) => ({
      update: e.update({ progress, phase, updated_at: this.ctx.timestamp() }),
      condition: `${e.name('status')} = ${e.value(RecordStatus.Running)} AND ${e.name('progress')} <= ${e.value(progress)}`,
    }));
    if (!(out instanceof ConditionFailed)) return out;
    if (out.current?.status === RecordStatus.Running) return toRecord<T['record']>(out.current);
    throw this.lost(id, out.current, (status) => new NotRunningError(this.name, id, status));
  }

  /**
   * Records what a running record's Plan knows it will do (the first totals
   * recorded stay; see control/catalog/progress-counts.ts).
   *
   * @param id - the record id
   * @param totals - items, and bytes when known
   * @returns the record after the update
   * @throws NotRunningError, NotFoundError, InvalidRecordError
   */
  async recordTotals(id: string, totals: RunTotals): Promise<T['record']> {
    const out = await updateIf<T['record']>(this.ctx, this.kind.keys, id, (e) => totalsUpdate(e, totals, this.ctx.timestamp()));
    if (!(out instanceof ConditionFailed)) return out;
    throw this.lost(id, out.current, (status) => new NotRunningError(this.name, id, status));
  }

  /**
   * Adds what one unit of a running record's work did, once per unit
   * however often it is reported (one UpdateItem; see control/catalog/progress-counts.ts).
   *
   * @param id - the record id
   * @param done - the unit's number and its counts
   * @returns whether this call counted it, and the record after it
   * @throws NotRunningError, NotFoundError, InvalidRecordError
   */
  async countDone(id: string, done: DoneCount): Promise<{ counted: boolean; record: T['record'] }> {
    const out = await updateIf<T['record']>(this.ctx, this.kind.keys, id, (e) => doneUpdate(e, done, this.ctx.timestamp()));
    if (!(out instanceof ConditionFailed)) return { counted: true, record: out };
    if (out.current?.status === RecordStatus.Running) return { counted: false, record: toRecord<T['record']>(out.current) };
    throw this.lost(id, out.current, (status) => new NotRunningError(this.name, id, status));
  }

  /**
   * Changes annotation fields (a later verification, retention, a lock) in any status.
   *
   * @param id - the record id
   * @param patch - the fields
   * @returns the record after the update
   * @throws NotFoundError, InvalidRecordError, SecretInRecordError
   */
  async annotate(id: string, patch: T['annotation']): Promise<T['record']> {
    checkPatch(patch, this.kind.annotationFields, `a ${this.name} annotation`);
    const out = await updateIf<T['record']>(this.ctx, this.kind.keys, id, (e) => ({
      update: e.update({ ...patch, updated_at: this.ctx.timestamp() }),
      condition: `attribute_exists(${e.name('pk')})`,
    }));
    if (out instanceof ConditionFailed) throw new NotFoundError(this.name, id);
    return out;
  }

  /**
   * Lists records newest first: under one parent (gsi2) when the parent
   * field is given, else all of the kind (gsi1); filtered by status and the
   * kind's filters; within the time range.
   *
   * @param query - filters, time range and page options
   * @returns one page
   */
  async list(query: T['query'] = {}): Promise<Page<T['record']>> {
    const { kind } = this;
    const parentField = kind.parentField;
    const parent = parentField === undefined ? undefined : field(query, parentField);
    const parentId = parentField === undefined || parent === undefined ? undefined : checkId(parent, parentField);
    const where = listPartition(kind.keys, timeRange(query.date_from, query.date_to), parentId);
    return listPage(this.ctx, where, pickFilters(query, ['status', ...kind.filterFields]), query);
  }

  private lost(id: string, current: Item | undefined, error: (status: string) => Error): Error {
    return current ? error(String(current.status)) : new NotFoundError(this.name, id);
  }
}
