/**
 * The S3 storage classes a vault's packs may be written in. Only packs take
 * a class: the config, keys, index objects, snapshots and staged objects
 * stay STANDARD, so opening a vault and planning a restore stay cheap and
 * fast. Every class here is readable at once (no archive tier needs a
 * restore request before a GET).
 */

/** The key prefix of a vault's packs (docs/FORMAT.md §1: `data/<2 hex>/<pack id>`): the only objects written in a chosen class. */
export const PACKS_PREFIX = 'data/';

/** The storage classes packs may be written in. */
export const PACK_STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'ONEZONE_IA'] as const;

/** A storage class packs may be written in. */
export type PackStorageClass = (typeof PACK_STORAGE_CLASSES)[number];

/** Whether a value is one of {@link PACK_STORAGE_CLASSES}. */
export function isPackStorageClass(value: unknown): value is PackStorageClass {
  return (PACK_STORAGE_CLASSES as readonly unknown[]).includes(value);
}
