/**
 * S3 requests of one backup, by billing type, following the code paths a
 * run takes (checked against a local run in test/e2e/scale-model.test.ts):
 *
 * - every function with vault access opens the vault once (`Vault.open`:
 *   GET config, LIST keys/, GET the key record);
 * - Plan: LIST snapshots/ and GET every snapshot (resolving the parent), LIST
 *   index/ for an incremental, the source's
 *   listings, PUT the staged plan, the spec chunks (`DEFAULT_ITEMS_PER_OBJECT`
 *   specs each) and the Map's item list; the Map's item reader GETs the list;
 * - each export invocation (one batch, one backup session): HEAD of the
 *   batch's manifest (absent), one HeadBucket (the store's first miss),
 *   HEAD+GET of the staged plan and of each spec chunk the batch touches, the
 *   vault's index objects for an incremental (only in a container's first
 *   batch of the backup: a warm container keeps the set), the source's GETs and LISTs of
 *   each partition, the session's packs (multipart for a full one), one index
 *   object, the batch's blob list (its partitions' blob ids, snapshot format
 *   2) and the batch's manifest;
 * - Commit: LIST staging twice, HEAD+GET of every manifest and the plan, PUT
 *   the snapshot, DELETE every staged object;
 * - Plan verify: the snapshot twice, its blob lists (one per batch), every
 *   index object of the vault, the snapshot's own index objects again, LIST
 *   index/ and data/; with checksum
 *   verification, PUT each pack batch (one staged object each) and the item
 *   list, which the Verify packs Map's item reader GETs;
 * - each Verify packs child: one HeadBucket (the store's first miss), per
 *   batch a HEAD of its result (absent), HEAD+GET of its staged chunk, the
 *   index objects it touches, one ListObjectVersions (a LIST) and one GET
 *   per pack, PUT its result;
 * - Record verification: HEAD+GET of every batch's result, LIST the staging
 *   area and DELETE its objects.
 * - List source (an S3 prefix past Plan's own listing): Plan stages its
 *   piece, each round's ranges (chunks of `DEFAULT_ITEMS_PER_OBJECT`) and
 *   item list; each child opens the vault, reads the staged plan and its
 *   chunk, lists its ranges (LIST pages, at least one a range) and heads and
 *   stages each piece; each Join listing reads its round's pieces, the last
 *   lists the area and reads every piece again; the area's delete takes
 *   them all.
 *
 * HEAD and HeadBucket are billed as GETs; DeleteObject as a DELETE.
 */
import { DEFAULT_ITEMS_PER_OBJECT } from '../../vault/staging/staged-list.js';
import { AWS_LIMITS } from './limits.js';

/** S3 requests by type. */
export interface S3Requests {
  put: number;
  get: number;
  list: number;
  delete: number;
}

/** What one batch (one export invocation, one backup session) costs in requests. */
export interface BatchRequests {
  /** The partition indexes of the batch. */
  items: readonly number[];
  /** Its session's packs. */
  packs: number;
  /** PUT-class requests of those packs (a multipart pack costs several). */
  pack_requests: number;
  /** GETs and LISTs its partitions send the source (S3 sources). */
  source_gets: number;
  source_lists: number;
  /** PUT-class requests of its blob list (one object, multipart when large). */
  blob_list_requests: number;
}

/** The run's shape, as far as requests go. */
export interface RequestInput {
  /** Partitions in the plan. */
  partitions: number;
  batches: readonly BatchRequests[];
  /** Functions of the parent that open the vault (Plan, Commit, Plan verify, Record verification). */
  parent_vault_openers: number;
  incremental: boolean;
  /** Snapshots, index objects and packs already in the vault (an incremental's earlier full). */
  earlier_snapshots: number;
  earlier_index_objects: number;
  /** Export invocations that load the vault's index objects (an incremental: one per warm container, `keptBlobIds`). */
  index_loads: number;
  earlier_packs: number;
  /** PUT-class requests of the snapshot (multipart when large). */
  snapshot_requests: number;
  /** LISTs the Plan sends the source. */
  plan_source_lists: number;
  /** The List source rounds (a large S3 prefix): key ranges listed (one staged piece each), rounds, children and their LISTs; null without. */
  listing: { ranges: number; rounds: number; children: number; lists: number } | null;
  /** Verify packs (checksum verification): pack batches, children, and the index objects the batches read; null without the Map. */
  verify: { batches: number; children: number; index_reads: number } | null;
}

const pages = (keys: number): number => Math.ceil(keys / AWS_LIMITS.s3ListPageKeys.value);

/** Counts a run's S3 requests. */
export function countRequests(input: RequestInput): S3Requests {
  const n = input.partitions;
  const b = input.batches.length;
  const chunks = Math.ceil(n / DEFAULT_ITEMS_PER_OBJECT);
  const sum = (f: (batch: BatchRequests) => number): number => input.batches.reduce((total, batch) => total + f(batch), 0);
  const packs = sum((batch) => batch.packs);
  const ownIndexes = input.batches.filter((batch) => batch.packs > 0).length;
  const v = input.verify ?? { batches: 0, children: 0, index_reads: 0 };
  const verifyPacks = v.batches > 0 ? packs : 0;
  const openers = input.parent_vault_openers + b + v.children;
  const touched = sum((batch) => new Set(batch.items.map((i) => Math.floor(i / DEFAULT_ITEMS_PER_OBJECT))).size);
  const incrementalIndexes = input.incremental ? input.earlier_index_objects * input.index_loads : 0;

  const itemLists = 1 + (v.batches > 0 ? 1 : 0);
  const put = 1 + chunks + 1 + sum((batch) => batch.pack_requests + (batch.packs > 0 ? 1 : 0) + 1 + batch.blob_list_requests) + input.snapshot_requests + (v.batches > 0 ? 2 * v.batches + 1 : 0);
  const get =
    2 * openers +
    input.earlier_snapshots +
    itemLists +
    2 * touched +
    b * (1 + 1 + 2) +
    incrementalIndexes +
    sum((batch) => batch.source_gets) +
    (2 * b + 2) +
    (2 + b + ownIndexes + input.earlier_index_objects + ownIndexes) +
    v.children +
    v.batches * (1 + 2) +
    v.index_reads +
    verifyPacks +
    2 * v.batches;
  const list =
    openers +
    1 +
    (input.incremental ? pages(input.earlier_index_objects) : 0) +
    input.plan_source_lists +
    sum((batch) => batch.source_lists) +
    2 +
    Math.max(1, pages(input.earlier_index_objects + ownIndexes)) +
    pages(input.earlier_packs + packs) +
    verifyPacks +
    (v.batches > 0 ? pages(2 * v.batches + 1) : 0);
  // List source: Plan stages its piece and each round's ranges (chunks of 100) and item list; each child opens the vault,
  // reads the staged plan and its ranges' chunk, heads and stages each piece; each Join reads its round's pieces, the last
  // one every piece again (HEAD + GET) after listing the area; the pieces and chunks are deleted with the area.
  const l = input.listing ?? { ranges: 0, rounds: 0, children: 0, lists: 0 };
  const roundChunks = l.rounds + Math.ceil(l.ranges / DEFAULT_ITEMS_PER_OBJECT);
  const listingPut = l.rounds > 0 ? 1 + roundChunks + l.rounds + l.ranges : 0;
  const listingGet = l.rounds > 0 ? l.children * (2 + 2 + 2) + l.ranges + 2 * l.ranges + 2 * l.ranges + l.rounds * 2 : 0;
  const listingList = l.rounds > 0 ? l.lists + l.children + l.rounds + pages(l.ranges) : 0;
  const listingDelete = l.rounds > 0 ? 1 + roundChunks + l.ranges : 0;
  return { put: put + listingPut, get: get + listingGet, list: list + listingList, delete: 2 + b + chunks + (v.batches > 0 ? 2 * v.batches + 1 : 0) + listingDelete };
}
