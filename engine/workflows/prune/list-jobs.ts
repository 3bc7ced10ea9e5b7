/** List jobs: every job (active or paused: retention applies to both) and the run's settings. */
import { PRUNE_DEFAULTS } from '../../retention/prune.js';
import type { WorkflowDeps } from '../deps.js';
import { InvalidJobError } from '../errors.js';
import type { PruneJobList, PruneSettings, PruneStartInput } from './types.js';

/**
 * Applies defaults and checks the start input.
 * @throws InvalidJobError for out-of-range settings
 */
export function pruneSettings(input: PruneStartInput | null | undefined): PruneSettings {
  const grace = input?.grace_seconds ?? PRUNE_DEFAULTS.graceSeconds;
  const threshold = input?.repack_threshold ?? PRUNE_DEFAULTS.repackThreshold;
  const compact = input?.compact_above ?? PRUNE_DEFAULTS.compactAbove;
  if (typeof grace !== 'number' || !Number.isSafeInteger(grace) || grace < 0) throw new InvalidJobError(`grace_seconds must be a whole number >= 0, got ${JSON.stringify(grace)}`);
  if (typeof threshold !== 'number' || !(threshold > 0)) throw new InvalidJobError(`repack_threshold must be a number above 0 (1 or more turns repacking off), got ${JSON.stringify(threshold)}`);
  if (typeof compact !== 'number' || !Number.isSafeInteger(compact) || compact < 1) throw new InvalidJobError(`compact_above must be a whole number >= 1, got ${JSON.stringify(compact)}`);
  return { grace_seconds: grace, repack_threshold: threshold, compact_above: compact, dry_run: input?.dry_run === true };
}

/** Runs the List jobs step. */
export async function listPruneJobs(deps: WorkflowDeps, input: PruneStartInput): Promise<PruneJobList> {
  const settings = pruneSettings(input);
  const jobIds: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.catalog.listJobs({ limit: 1000, cursor });
    jobIds.push(...page.items.map((job) => job.job_id));
    cursor = page.next_cursor;
  } while (cursor);
  return { job_ids: jobIds, settings };
}
