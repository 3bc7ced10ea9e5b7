/**
 * Staged objects of a backup in progress (`staging/<backup id>/…`, sealed,
 * see docs/FORMAT.md §10): the plan and one manifest per partition, written
 * by the workflow's steps and removed when the snapshot is committed.
 */
import { ObjectType, openObject, sealObject } from '../format/sealed-object.js';
import type { SessionResult } from '../backup/backup-session.js';
import type { Vault } from '../vault/vault.js';

/** Prefix of a backup's staged objects. */
export function stagingPrefix(backupId: string): string {
  return `staging/${backupId}/`;
}

/** Writes a staged JSON value. */
export async function writeStaged(vault: Vault, backupId: string, name: string, value: unknown): Promise<void> {
  const bytes = await sealObject(ObjectType.Staged, Buffer.from(JSON.stringify(value)), vault.keyring.current, true);
  await vault.store.put(`${stagingPrefix(backupId)}${name}`, bytes);
}

/** Reads a staged JSON value, or undefined when it is not there. */
export async function readStaged<T>(vault: Vault, backupId: string, name: string): Promise<T | undefined> {
  const key = `${stagingPrefix(backupId)}${name}`;
  if (!(await vault.store.head(key))) return undefined;
  const payload = await openObject(await vault.store.get(key), ObjectType.Staged, vault.keyring.resolve, key);
  return JSON.parse(Buffer.from(payload).toString('utf8')) as T;
}

/** Names of a backup's staged objects. */
export async function listStaged(vault: Vault, backupId: string): Promise<string[]> {
  const prefix = stagingPrefix(backupId);
  const names: string[] = [];
  for await (const info of vault.store.list(prefix)) names.push(info.key.slice(prefix.length));
  return names;
}

/** Removes a backup's staged objects (after commit, or after a failure). */
export async function clearStaged(vault: Vault, backupId: string): Promise<void> {
  for (const name of await listStaged(vault, backupId)) await vault.store.delete(`${stagingPrefix(backupId)}${name}`);
}

/** What Plan staged: the source's description and the index objects workers dedup against. */
export interface StagedPlan {
  description: Record<string, unknown>;
  source: Record<string, unknown>;
  planned_at: string;
  index_ids: string[];
}

/** What one partition worker staged. */
export type StagedPartition = Pick<SessionResult, 'partitions' | 'index_ids' | 'counts'>;

/** The staged name of partition number `n`. */
export function partitionManifestName(n: number): string {
  return `partition-${String(n).padStart(5, '0')}`;
}
