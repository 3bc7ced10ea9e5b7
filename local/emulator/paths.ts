import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Root of the repository (two levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The project-local virtualenv that hosts the emulator. */
export const venvDir = process.env.HAVEN_VENV_DIR ?? join(repoRoot, '.venv');

/** Where running emulators record their pid files, one per server. */
export const stateDir = process.env.HAVEN_STATE_DIR ?? join(repoRoot, '.haven', 'emulators');

/** The moto version Haven is tested against (>= 5.2 for multipart checksums). */
export const MOTO_VERSION = '5.2.5';

/** The cfn-lint version the synthesized template is checked with (test/infra/cfn-lint.test.ts). */
export const CFN_LINT_VERSION = '1.58.0';

/** The schemathesis version that fuzzes the local API against docs/openapi.json (test/control/api/schemathesis.test.ts). */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** What the virtualenv holds, as pip requirements: every pin above, and nothing else. */
export const VENV_REQUIREMENTS: readonly string[] = [`moto[server]==${MOTO_VERSION}`, `cfn-lint==${CFN_LINT_VERSION}`, `schemathesis==${SCHEMATHESIS_VERSION}`];
