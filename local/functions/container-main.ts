/**
 * A function's container: a worker thread that imports the function's entry
 * once (a cold start) and runs its handler for each invocation, as Lambda's
 * Node.js runtime does. Its environment is the function's (the host passes
 * it as the worker's own `process.env`).
 */
import { enableCompileCache } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ContainerInit, FunctionErrorPayload, InvokeMessage, ResultMessage } from './protocol.js';

/** The compile cache's folder in the bundle's directory. */
const COMPILE_CACHE_DIR = 'compile-cache';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const init = workerData as ContainerInit;
const port = parentPort!;

function errorPayload(error: unknown): FunctionErrorPayload {
  if (error instanceof Error) return { errorType: error.name || 'Error', errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  return { errorType: 'Error', errorMessage: String(error) };
}

// V8's compiled code for the bundle, kept beside it (bundle.ts) and shared by every container of
// every test process: a cold start then skips most of the compile (about a third of its CPU).
enableCompileCache(join(dirname(fileURLToPath(import.meta.url)), COMPILE_CACHE_DIR));

const loaded: Promise<Handler> = import(pathToFileURL(init.entry).href).then((module: Record<string, unknown>) => {
  const handler = module[init.handler];
  if (typeof handler !== 'function') throw Object.assign(new Error(`${init.entry} does not export a function named ${init.handler}`), { name: 'Runtime.HandlerNotFound' });
  return handler as Handler;
});
loaded.catch(() => {}); // reported per invocation

port.on('message', (message: InvokeMessage) => {
  void (async () => {
    let reply: ResultMessage;
    try {
      const handler = await loaded.catch((error: unknown) => {
        throw Object.assign(error instanceof Error ? error : new Error(String(error)), { name: (error as Error)?.name?.startsWith('Runtime.') ? (error as Error).name : 'Runtime.ImportModuleError' });
      });
      const context = {
        functionName: init.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: init.functionArn,
        memoryLimitInMB: String(init.memoryMb),
        awsRequestId: message.requestId,
        logGroupName: init.logGroupName,
        logStreamName: `local/${init.functionName}`,
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
        done: () => {},
        fail: () => {},
        succeed: () => {},
      };
      if (message.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, message.delayMs));
      const result = await handler(message.event, context);
      reply = { id: message.id, ok: true, json: JSON.stringify(result ?? null) };
    } catch (error) {
      reply = { id: message.id, ok: false, error: errorPayload(error) };
    }
    port.postMessage(reply);
  })();
});
