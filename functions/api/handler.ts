/** The API Lambda's entry point: every route of the REST API (see app.ts). */
import { createApiHandler } from './app.js';
import { containerApiDeps } from './deps.js';

/** The Lambda entry point. */
export const handler = createApiHandler(containerApiDeps);
