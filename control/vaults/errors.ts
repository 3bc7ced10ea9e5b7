/**
 * Typed errors of the vault registry: a job destination that names no vault
 * of the deployment (HTTP 422 naming the field), a recorded vault the
 * deployment no longer knows, and malformed vault settings.
 */
import { ErrorCode, HavenError } from '../../vault/errors.js';

/** Base class of the vault registry's errors. */
export class VaultsError extends HavenError {
  override readonly name: string = 'VaultsError';
}

/**
 * A job's destination selects no vault of the deployment: an unknown
 * bucket (the issue lists the deployment's buckets), a region that is not
 * the bucket's, or a path that is malformed or nests in another vault.
 * The API answers 422 naming the field.
 */
export class InvalidDestinationError extends VaultsError {
  override readonly name = 'InvalidDestinationError';
  override readonly code = ErrorCode.InvalidInput;
  /** The field (`destination.bucket`, `destination.region` or `destination.path`) and the issue, in the seed's error-body shape. */
  readonly details: { readonly field: string; readonly issue: string };

  /**
   * @param field - the field at fault
   * @param issue - what is wrong with it
   */
  constructor(field: string, issue: string) {
    super(`invalid ${field}: ${issue}`);
    this.details = { field, issue };
  }
}

/**
 * A vault URI recorded on a backup is not in one of the deployment's
 * buckets (the bucket was removed from the deployment's settings, or the
 * URI is malformed).
 */
export class UnknownVaultError extends VaultsError {
  override readonly name = 'UnknownVaultError';
  override readonly code = ErrorCode.InvalidConfiguration;

  /**
   * @param uri - the recorded URI
   * @param reason - why it cannot be located
   */
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`vault ${uri} cannot be opened: ${reason}`);
  }
}

/** The deployment's vault settings (`HAVEN_VAULT_URI`, `HAVEN_VAULT_BUCKETS`…) are missing or malformed. */
export class InvalidVaultSettingsError extends VaultsError {
  override readonly name = 'InvalidVaultSettingsError';
  override readonly code = ErrorCode.InvalidInput;
}
