/** Messages between the function host and a function's worker thread (one container). */

/** What the host sends a container at start (`workerData`). */
export interface ContainerInit {
  /** Absolute path of the function's entry module. */
  entry: string;
  /** The exported handler's name. */
  handler: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
  logGroupName: string;
}

/** One invocation, host → container. */
export interface InvokeMessage {
  id: number;
  event: unknown;
  /** Epoch milliseconds at which the function times out. */
  deadline: number;
  requestId: string;
  /** Injected slowness before the handler runs (tests), in milliseconds. */
  delayMs: number;
}

/** A handler's error as Lambda's Node.js runtime reports it. */
export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** One result, container → host: the handler's JSON text, or its error. */
export type ResultMessage = { id: number; ok: true; json: string } | { id: number; ok: false; error: FunctionErrorPayload };
