/**
 * List jobs: open the run's catalog record (`running`; a retried List jobs
 * finds it), then every job (active or paused: retention applies to both)
 * the run's settings and the vaults to prune. Bad settings are recorded as the run's absence of
 * settings and then fail the step, so Mark failed records the run FAILED.
 */
import { PRUNE_DEFAULTS } from '../../../vault/prune/prune.js';
import type { WorkflowDeps } from '../deps.js';
import { InvalidJobError } from '../errors.js';
import { UnknownVaultError } from '../../vaults/errors.js';
import { openPruneRun } from './run-record.js';
import type { PruneJobList, PruneListJobsInput, PruneSettings, PruneStartInput } from './types.js';

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
export async function listPruneJobs(deps: WorkflowDeps, state: PruneListJobsInput): Promise<PruneJobList> {
  const checked = settingsOrError(state.input);
  const run = await openPruneRun(deps, state.execution, checked instanceof InvalidJobError ? undefined : checked);
  if (checked instanceof InvalidJobError) throw checked;
  const settings = checked;
  const jobIds: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.catalog.listJobs({ limit: 1000, cursor });
    jobIds.push(...page.items.map((job) => job.job_id));
    cursor = page.next_cursor;
  } while (cursor);
  return { prune_run_id: run.prune_run_id, job_ids: jobIds, settings, vaults: await vaultsToPrune(deps) };
}

/**
 * The vaults a prune passes over: the primary, then every other vault a
 * backup record names, as its vault or as a copy's (forgotten ones too:
 * their packs are what prune frees), each once.
 */
export async function vaultsToPrune(deps: WorkflowDeps): Promise<string[]> {
  const primary = deps.vaults.primary().uri;
  const uris = new Set<string>([primary]);
  let cursor: string | null = null;
  do {
    const page = await deps.catalog.listExecutions({ limit: 1000, cursor });
    for (const record of page.items) {
      // A copy vault is pruned once a copy was written into it (before, it may not exist yet).
      const recorded = [record.vault_uri, ...(record.copies ?? []).filter((c) => c.snapshot_id !== null).map((c) => c.vault_uri)];
      for (const vaultUri of recorded) {
        if (!vaultUri) continue;
        // A bucket the deployment no longer lists cannot be pruned; the others still are.
        const uri = uriOf(deps, vaultUri);
        if (uri) uris.add(uri);
      }
    }
    cursor = page.next_cursor;
  } while (cursor);
  return [...uris];
}

/** The settings, or why they are refused. */
function settingsOrError(input: PruneStartInput | null | undefined): PruneSettings | InvalidJobError {
  try {
    return pruneSettings(input);
  } catch (error) {
    if (error instanceof InvalidJobError) return error;
    throw error;
  }
}

/** The canonical URI of a recorded vault, or undefined when its bucket is not the deployment's any more. */
function uriOf(deps: WorkflowDeps, vaultUri: string): string | undefined {
  try {
    return deps.vaults.locate(vaultUri).uri;
  } catch (error) {
    if (error instanceof UnknownVaultError) return undefined;
    throw error;
  }
}
