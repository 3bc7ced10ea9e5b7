import { HavenError } from '../errors.js';

/**
 * A staged object a step needs (docs/FORMAT.md §10) cannot be written or
 * read: a bad list name, an index outside the list, or an object that is
 * gone (its staging area was cleared).
 */
export class StagingError extends HavenError {
  override readonly name = 'StagingError';
}
