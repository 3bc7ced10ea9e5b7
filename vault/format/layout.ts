/**
 * The names of a vault's objects (FORMAT.md §1): one owner for the prefixes
 * every reader, writer and prune lists.
 */

/** Prefixes of a vault's object names. */
export const VaultPrefix = {
  keys: 'keys/',
  data: 'data/',
  index: 'index/',
  snapshots: 'snapshots/',
  /** Blob-list objects (FORMAT.md §9.2). */
  lists: 'lists/',
  staging: 'staging/',
} as const;

/** The object name of blob list `id`. */
export function blobListKey(id: string): string {
  return `${VaultPrefix.lists}${id}`;
}
