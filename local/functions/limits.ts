/**
 * AWS Lambda's limits as the local function host applies them (one owner; the
 * numbers are from the Lambda quotas page).
 */
export const LambdaLimits = {
  /** A synchronous invocation's response, in bytes (6 MB). */
  responseBytes: 6 * 1024 * 1024,
  /** A synchronous invocation's request, in bytes (6 MB). */
  requestBytes: 6 * 1024 * 1024,
} as const;

/** The error types Lambda reports for failures of the sandbox rather than of the handler. */
export const LambdaErrorType = {
  /** The function ran past its configured timeout; Lambda stopped its sandbox. */
  Timeout: 'Sandbox.Timedout',
  /** The response was larger than {@link LambdaLimits.responseBytes}. */
  ResponseTooLarge: 'Function.ResponseSizeTooLarge',
  /** The request was larger than {@link LambdaLimits.requestBytes}. */
  RequestTooLarge: 'RequestEntityTooLargeException',
  /** The runtime could not load the handler. */
  ImportModule: 'Runtime.ImportModuleError',
  /** The sandbox died (the worker thread exited). */
  Exited: 'Runtime.ExitError',
} as const;
