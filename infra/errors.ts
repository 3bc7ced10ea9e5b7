/**
 * Typed errors raised while building Haven's CDK app. Every infra error
 * extends `HavenInfraError`, so the app entry point can tell a bad setting
 * from a bug.
 */

/** Base class of every error the infra code raises on purpose. */
export class HavenInfraError extends Error {
  override readonly name: string = 'HavenInfraError';
}

/** A context value (`cdk.json`, `cdk.context.json` or `-c key=value`) is missing or malformed. */
export class InvalidContextError extends HavenInfraError {
  override readonly name: string = 'InvalidContextError';

  /**
   * @param key - the context key that was read, e.g. `haven:objectLockDays`
   * @param detail - what is wrong with its value
   */
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`Context ${key}: ${detail}`);
  }
}

/** A construct was given props that cannot work together. */
export class InvalidPropsError extends HavenInfraError {
  override readonly name: string = 'InvalidPropsError';
}
