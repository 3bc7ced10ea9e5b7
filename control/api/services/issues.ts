/** Collects semantic problems of a request so one 422 names them all. */
import { ValidationFailedError } from '../errors.js';

/** A list of problems, one line each, with the fields they concern. */
export class Issues {
  private readonly lines: string[] = [];
  private readonly fields: string[] = [];

  /** Records a problem with a field. */
  add(field: string, issue: string): void {
    this.lines.push(`${field}: ${issue}`);
    this.fields.push(field);
  }

  /** Records `issue` when `ok` is false. */
  check(ok: boolean, field: string, issue: string): void {
    if (!ok) this.add(field, issue);
  }

  /** Records the problem an engine error reports (a `details.field`, or the message). */
  addError(error: Error & { details?: { field?: unknown; issue?: unknown; issues?: unknown } }, fallbackField: string): void {
    const { details } = error;
    if (error instanceof ValidationFailedError && Array.isArray(details?.issues)) {
      this.lines.push(...details.issues.map(String));
      this.fields.push(fallbackField);
    } else if (details && typeof details.field === 'string' && typeof details.issue === 'string') this.add(details.field, details.issue);
    else this.add(fallbackField, error.message);
  }

  /**
   * @param message - the summary
   * @throws ValidationFailedError (422) when any problem was recorded
   */
  throwIfAny(message: string): void {
    if (this.lines.length > 0) throw new ValidationFailedError(message, this.lines, { fields: [...new Set(this.fields)] });
  }
}
