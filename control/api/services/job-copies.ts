/**
 * A job's copy vaults, checked against the deployment (422s): each copy
 * names a vault of the deployment ({@link VaultRegistry.resolve}, its
 * errors renamed to `copies[i].vault.*`), none is the job's own destination
 * vault or another copy's, and each copy's retention is a valid policy.
 */
import type { CopyConfig, RetentionPolicy } from '../../catalog/types.js';
import type { VaultRegistry } from '../../vaults/registry.js';
import { isInputFault } from '../error-mapping.js';
import { Issues } from './issues.js';

/** A copy as a request gives it. */
export interface CopyInput {
  vault: { bucket: string; path?: string; region?: string };
  retention?: RetentionPolicy;
  delay?: number;
}

/** Issues of one copy: fields named under `copies[i].`, a registry's `destination.*` as `copies[i].vault.*`. */
class CopyIssues extends Issues {
  constructor(
    private readonly all: Issues,
    private readonly prefix: string,
  ) {
    super();
  }

  override add(field: string, issue: string): void {
    this.all.add(`${this.prefix}${field.replace(/^destination(?=\.|$)/, 'vault')}`, issue);
  }
}

/**
 * Checks a job's copies.
 *
 * @param registry - the deployment's vaults
 * @param copies - the copies given
 * @param destinationUri - the URI of the job's destination vault (undefined: not valid, so not compared)
 * @param checkRetention - the job retention check, applied to each copy's own retention
 * @returns the copies to store, normalized (undefined when one is not valid; the issues say why)
 */
export function checkCopies(
  registry: VaultRegistry,
  copies: readonly CopyInput[],
  destinationUri: string | undefined,
  checkRetention: (retention: RetentionPolicy, issues: Issues) => void,
  issues: Issues,
): CopyConfig[] | undefined {
  const stored: CopyConfig[] = [];
  const uris: string[] = [];
  let valid = true;
  copies.forEach((copy, i) => {
    const copyIssues = new CopyIssues(issues, `copies[${i}].`);
    if (copy.retention) checkRetention(copy.retention, copyIssues);
    try {
      const location = registry.resolve({ bucket: copy.vault.bucket, path: copy.vault.path, region: copy.vault.region }, [...(destinationUri ? [destinationUri] : []), ...uris]);
      if (location.uri === destinationUri) copyIssues.add('vault', `${location.uri} is the job's destination vault; a copy goes into another vault`);
      else if (uris.includes(location.uri)) copyIssues.add('vault', `${location.uri} is named by copies[${uris.indexOf(location.uri)}] already`);
      else {
        uris.push(location.uri);
        stored.push({
          vault: { bucket: location.bucket.bucket, path: location.prefix, region: location.bucket.region },
          ...(copy.retention ? { retention: copy.retention } : {}),
          ...(copy.delay ? { delay: copy.delay } : {}),
        });
        return;
      }
    } catch (error) {
      if (!isInputFault(error)) throw error;
      copyIssues.addError(error, 'vault');
    }
    valid = false;
  });
  return valid ? stored : undefined;
}
