/**
 * Packs stored but listed by no index object: a crashed backup's (nothing
 * uses them), or, after a prune that stopped between deleting index objects
 * and listing rescued packs again, packs a snapshot still uses. Prune reads
 * such a pack's own header before deleting it and lists it again when a
 * snapshot uses one of its blobs.
 */
import { ObjectType, openObject } from '../format/sealed-object.js';
import type { PackEntry } from '../index/types.js';
import { packKey } from '../pack/pack-builder.js';
import { decodePackHeader, decodeTrailer, TRAILER_LENGTH } from '../pack/pack-format.js';
import type { Vault } from '../repository/vault.js';

/** One pack object as listed (`data/xx/<id>`). */
export interface PackObject {
  id: string;
  size: number;
  lastModified: Date;
}

/** Reads a stored pack's index entry from its own sealed header (two ranged reads). */
export async function readPackEntry(vault: Vault, pack: PackObject): Promise<PackEntry> {
  const key = packKey(pack.id);
  const trailer = await vault.store.get(key, { start: pack.size - TRAILER_LENGTH, end: pack.size });
  const headerLength = decodeTrailer(trailer, pack.id);
  const start = pack.size - TRAILER_LENGTH - headerLength;
  const sealed = await vault.store.get(key, { start, end: pack.size - TRAILER_LENGTH });
  const payload = await openObject(sealed, ObjectType.PackHeader, vault.keyring.resolve, `pack ${pack.id} header`);
  return { id: pack.id, keyId: Buffer.from(sealed.subarray(6, 22)).toString('hex'), size: pack.size, blobs: decodePackHeader(payload, pack.id) };
}
