/**
 * The single-table key layout. Every item has `pk`/`sk`; `gsi1` lists each
 * kind newest first, `gsi2` lists the children of a parent (a job's
 * executions, a backup's restores and verifications). Prune runs have no
 * parent: they are listed in gsi1 only.
 *
 * | kind | pk / sk | gsi1pk / gsi1sk | gsi2pk / gsi2sk |
 * |---|---|---|---|
 * | job | `JOB#<job_id>` / `JOB` | `JOBS` / `<created_at>#<job_id>` | – |
 * | execution (backup) | `EXEC#<id>` / `EXEC` | `EXECS` / `<started_at>#<id>` | `JOB#<job_id>` / `EXEC#<started_at>#<id>` |
 * | restore | `RESTORE#<id>` / `RESTORE` | `RESTORES` / `<created_at>#<id>` | `BACKUP#<backup_id>` / `RESTORE#<created_at>#<id>` |
 * | verification | `VERIFY#<id>` / `VERIFY` | `VERIFICATIONS` / `<started_at>#<id>` | `BACKUP#<backup_id>` / `VERIFY#<started_at>#<id>` |
 * | prune run | `PRUNE#<id>` / `PRUNE` | `PRUNES` / `<started_at>#<id>` | – |
 *
 * A backup has no item of its own: `backup_X` is found as execution
 * `exec_X` (see `ids.ts`). Ids only use `A-Z a-z 0-9 _ -`, all below `~`,
 * so `<time>#~` bounds every key of a time from above.
 */
import { TIME_BOUNDS } from './time.js';

/**
 * Attribute and index names of the table. The CDK construct
 * (`infra/constructs/catalog-table.ts`) builds the table from this object.
 */
export const TableLayout = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expires_at',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  gsi2: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

/** A global secondary index of the table. */
export type IndexLayout = typeof TableLayout.gsi1 | typeof TableLayout.gsi2;

/** The key strings of one kind of record. */
export interface KindKeys {
  /** `job`, `execution`… (for messages). */
  kind: string;
  /** Prefix of `pk`, the whole of `sk`, and prefix of `gsi2sk`. */
  prefix: string;
  /** `gsi1pk` of every record of the kind. */
  listPartition: string;
  /** Prefix of `gsi2pk`: the parent's kind, if the kind has a parent. */
  parentPrefix?: string;
}

/** Key strings of the five kinds. */
export const Kinds = {
  job: { kind: 'job', prefix: 'JOB', listPartition: 'JOBS' },
  execution: { kind: 'execution', prefix: 'EXEC', listPartition: 'EXECS', parentPrefix: 'JOB' },
  restore: { kind: 'restore', prefix: 'RESTORE', listPartition: 'RESTORES', parentPrefix: 'BACKUP' },
  verification: { kind: 'verification', prefix: 'VERIFY', listPartition: 'VERIFICATIONS', parentPrefix: 'BACKUP' },
  pruneRun: { kind: 'prune run', prefix: 'PRUNE', listPartition: 'PRUNES' },
} as const satisfies Record<string, KindKeys>;

/** The primary key of an item. */
export interface PrimaryKey {
  pk: string;
  sk: string;
}

/** Every key attribute an item may carry. */
export interface ItemKeys extends PrimaryKey {
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk?: string;
  gsi2sk?: string;
}

/** The names of every key attribute, which records never show. */
export const KEY_ATTRIBUTES: readonly string[] = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

/**
 * @param kind - the kind
 * @param id - the record id
 * @returns the record's primary key
 */
export function primaryKey(kind: KindKeys, id: string): PrimaryKey {
  return { pk: `${kind.prefix}#${id}`, sk: kind.prefix };
}

/**
 * @param kind - the kind
 * @param id - the record id
 * @param time - the record's list time (normalized timestamp)
 * @param parentId - the parent's id, for kinds with a parent
 * @returns every key attribute of the record's item
 */
export function itemKeys(kind: KindKeys, id: string, time: string, parentId?: string): ItemKeys {
  const keys: ItemKeys = { ...primaryKey(kind, id), gsi1pk: kind.listPartition, gsi1sk: `${time}#${id}` };
  if (kind.parentPrefix && parentId !== undefined) {
    keys.gsi2pk = `${kind.parentPrefix}#${parentId}`;
    keys.gsi2sk = `${kind.prefix}#${time}#${id}`;
  }
  return keys;
}

/** Where a list reads: one index partition, a range of its sort key. */
export interface ListPartition {
  index: IndexLayout;
  partition: string;
  /** Lowest sort key, inclusive. */
  from: string;
  /** Highest sort key, inclusive. */
  to: string;
}

/**
 * The partition and sort-key range that hold a kind's records in a time
 * range: under a parent (gsi2) when `parentId` is given, else all of the kind (gsi1).
 *
 * @param kind - the kind
 * @param range - normalized timestamps, inclusive
 * @param parentId - the parent to list under
 * @returns the partition and sort-key bounds
 */
export function listPartition(kind: KindKeys, range: { from: string; to: string } = { from: TIME_BOUNDS.min, to: TIME_BOUNDS.max }, parentId?: string): ListPartition {
  const underParent = kind.parentPrefix !== undefined && parentId !== undefined;
  const prefix = underParent ? `${kind.prefix}#` : '';
  return {
    index: underParent ? TableLayout.gsi2 : TableLayout.gsi1,
    partition: underParent ? `${kind.parentPrefix}#${parentId}` : kind.listPartition,
    from: `${prefix}${range.from}`,
    to: `${prefix}${range.to}#~`,
  };
}
