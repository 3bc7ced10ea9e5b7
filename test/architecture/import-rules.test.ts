/**
 * The import rule of eslint.config.js, exercised: a probe file placed (by
 * path, never written) in each part imports what it may and what it may not,
 * and ESLint answers as docs/ARCHITECTURE.md's diagram says.
 */
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { describe, test } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages of `no-restricted-imports` for `code` as if it were the file at `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importLine = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;

describe('what may import what', () => {
  test.each([
    ['vault/ importing sources/', 'vault/backup/probe.ts', '../../sources/s3/config.js'],
    ['vault/ importing control/', 'vault/backup/probe.ts', '../../control/catalog/types.js'],
    ['sources/ importing control/', 'sources/s3/probe.ts', '../../control/catalog/types.js'],
    ['control/ importing the handlers', 'control/api/probe.ts', '../../functions/shared/env.js'],
    ['vault/ importing CDK', 'vault/backup/probe.ts', 'aws-cdk-lib'],
    ['sources/ importing middy', 'sources/s3/probe.ts', '@middy/core'],
    ['the DR CLI importing control/', 'cli/vault/probe.ts', '../../control/catalog/types.js'],
    ['a handler importing the local cloud', 'functions/backup/probe.ts', '../../local/cloud/cloud.js'],
  ])('%s is refused', async (_name, filePath, spec) => {
    // Prepare
    const code = importLine(spec);

    // Act
    const messages = await restrictedImports(filePath, code);

    // Assess
    assert.equal(messages.length, 1, `expected one refusal for ${spec} in ${filePath}`);
  });

  test.each([
    ['sources/ importing vault/', 'sources/s3/probe.ts', '../../vault/storage/s3-store.js'],
    ['control/ importing sources/', 'control/workflows/probe.ts', '../../sources/s3/config.js'],
    ['control/ importing vault/', 'control/api/probe.ts', '../../vault/errors.js'],
    ['the DR CLI importing vault/', 'cli/vault/probe.ts', '../../vault/repository/vault.js'],
    ['a handler importing control/', 'functions/backup/probe.ts', '../../control/workflows/deps.js'],
  ])('%s is allowed', async (_name, filePath, spec) => {
    // Prepare
    const code = importLine(spec);

    // Act
    const messages = await restrictedImports(filePath, code);

    // Assess
    assert.deepEqual(messages, []);
  });
});
