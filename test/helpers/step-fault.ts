/**
 * Faults that stand for a failed step, for tests that inject them around
 * the function host (the emulator cannot make one Map iteration fail).
 */
import { encodeStepFailure } from '../../control/workflows/errors.js';
import type { Fault } from '../../local/functions/host.js';
import type { HavenError } from '../../vault/errors.js';

/**
 * What a step's function hands Step Functions when it throws `error`, as the
 * step wrapper (functions/shared/step-handler.ts) sends it: the class name as
 * the error type and `{code, message}` as the message. The message is kept
 * as given (not redacted), so a test can check that what Haven records from
 * it is.
 *
 * @param error - the error the step stands to throw
 */
export function stepFault(error: HavenError): Fault {
  return { error: { errorType: error.name, errorMessage: encodeStepFailure({ code: error.code, message: error.message }) } };
}
