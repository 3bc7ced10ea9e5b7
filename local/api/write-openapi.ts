/**
 * `npm run openapi`: writes docs/openapi.json from the route table. A test
 * fails when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../infra/paths.js';
import { readHavenVersion } from '../../infra/version.js';
import { buildOpenApi } from '../../control/api/openapi.js';
import { API_ROUTES } from '../../control/api/routes.js';

/** Where the document lives. */
export const OPENAPI_FILE = path.join(REPO_ROOT, 'docs', 'openapi.json');

/** The document as the file holds it. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApi(API_ROUTES, readHavenVersion()), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(OPENAPI_FILE, openApiText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
}
