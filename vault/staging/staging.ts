/**
 * Staging areas (`staging/<area>/…`, sealed, see docs/FORMAT.md §10): what
 * a workflow run keeps in the vault between its steps. A backup's area
 * (its backup id) holds the plan, the partition specs (a staged list, see
 * staged-list.ts) and one manifest per partition, removed when the snapshot
 * is committed; restores and verify runs keep their fan-out lists in theirs.
 */
import { ObjectType, openObject, sealObject } from '../format/sealed-object.js';
import type { SessionResult } from '../backup/backup-session.js';
import type { Vault } from '../repository/vault.js';
import { StagingError } from './errors.js';
import { mapLimit } from '../util/concurrency.js';

/** Prefix of a staging area's objects. */
export function stagingPrefix(area: string): string {
  return `staging/${area}/`;
}

/** Writes a staged JSON value. */
export async function writeStaged(vault: Vault, area: string, name: string, value: unknown): Promise<void> {
  const bytes = await sealObject(ObjectType.Staged, Buffer.from(JSON.stringify(value)), vault.keyring.current, true);
  await vault.store.put(`${stagingPrefix(area)}${name}`, bytes);
}

/** Reads a staged JSON value, or undefined when it is not there. */
export async function readStaged<T>(vault: Vault, area: string, name: string): Promise<T | undefined> {
  const key = `${stagingPrefix(area)}${name}`;
  if (!(await vault.store.head(key))) return undefined;
  const payload = await openObject(await vault.store.get(key), ObjectType.Staged, vault.keyring.resolve, key);
  return JSON.parse(Buffer.from(payload).toString('utf8')) as T;
}

/**
 * Reads a staged JSON value a step cannot do without.
 *
 * @throws StagingError when it is not there (the area was cleared: the run ended, or a prune swept it)
 */
export async function readRequiredStaged<T>(vault: Vault, area: string, name: string): Promise<T> {
  const value = await readStaged<T>(vault, area, name);
  if (value === undefined) throw new StagingError(`${stagingPrefix(area)}${name} is missing (was the staging area cleared?)`);
  return value;
}

/** Names of a staging area's objects. */
export async function listStaged(vault: Vault, area: string): Promise<string[]> {
  const prefix = stagingPrefix(area);
  const names: string[] = [];
  for await (const info of vault.store.list(prefix)) names.push(info.key.slice(prefix.length));
  return names;
}

/** Staged objects deleted at once when an area is cleared (a run's area holds two objects per pack batch or partition chunk). */
export const DELETE_CONCURRENCY = 64;

/** Removes a staging area's objects (after a commit or a run's end, or after a failure). */
export async function clearStaged(vault: Vault, area: string): Promise<void> {
  await mapLimit(await listStaged(vault, area), DELETE_CONCURRENCY, (name) => vault.store.delete(`${stagingPrefix(area)}${name}`));
}

/**
 * What a backup's Plan staged (`plan`): the source's description, the job's
 * source configuration (its globs can be long, so it stays out of the
 * workflow state) and the index objects workers dedup against.
 */
export interface StagedPlan<Source = unknown> {
  description: Record<string, unknown>;
  source: Source;
  planned_at: string;
  index_ids: string[];
  /** The vault the backup goes to, as its catalog record names it (absent in plans staged before vaults were recorded). */
  vault_uri?: string;
}

/**
 * What one export batch staged: its partitions' records (each naming the
 * batch's blob-list object and its part there, never the blob ids), its
 * index ids and byte counts.
 */
export type StagedPartition = Pick<SessionResult, 'partitions' | 'index_ids' | 'counts'>;

/** The staged name of the manifest of the export batch whose first partition is number `n`. */
export function partitionManifestName(n: number): string {
  return `partition-${String(n).padStart(5, '0')}`;
}
