// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What may import what (docs/ARCHITECTURE.md draws it): `vault/` (the format
 * and its engine) imports neither `sources/` nor `control/`; `sources/`
 * (DynamoDB, S3, PostgreSQL) imports `vault/` but never `control/`;
 * `control/` (API, catalog, schedules, retention, notifications,
 * verification, workflows) may import both. None of the three imports CDK,
 * Lambda types, the handlers, the local cloud or the CLI, as kopia's `repo/`
 * never imports `snapshot/`.
 */
const NO_CDK = { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'vault/, sources/ and control/ never import CDK.' };
const NO_LAMBDA = { group: ['@middy/*', 'aws-lambda', '@aws-lambda-powertools/*'], message: 'vault/, sources/ and control/ never import Lambda types.' };
const NO_OUTSIDE = {
  group: ['**/functions/**', '**/infra/**', '**/local/**', '**/cli/**', '**/bench/**', '**/test/**'],
  message: 'vault/, sources/ and control/ import nothing from the handlers, infra, the local cloud, the CLI, the bench or the tests.',
};
const NO_AGPL = { group: ['@cloud-copilot/*'], message: 'AGPL-3.0 local tooling (the IAM evaluator): never in vault/, sources/, control/ or functions/.' };
const NO_SOURCES = { group: ['**/sources/**'], message: 'vault/ never imports sources/: a source depends on the vault, not the reverse.' };
const NO_CONTROL = { group: ['**/control/**'], message: 'vault/ and sources/ never import control/ (the control plane depends on them, not the reverse).' };

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', '.venv/', '.haven/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum.' }],
    },
  },
  { files: ['vault/**/*.ts'], rules: restrict(NO_CDK, NO_LAMBDA, NO_OUTSIDE, NO_AGPL, NO_SOURCES, NO_CONTROL) },
  { files: ['sources/**/*.ts'], rules: restrict(NO_CDK, NO_LAMBDA, NO_OUTSIDE, NO_AGPL, NO_CONTROL) },
  { files: ['control/**/*.ts'], rules: restrict(NO_CDK, NO_LAMBDA, NO_OUTSIDE, NO_AGPL) },
  {
    files: ['cli/vault/**/*.ts'],
    rules: restrict({ group: ['**/control/**'], message: 'The DR CLI restores from the vault alone: it imports vault/ (and sources/), never control/.' }),
  },
  {
    files: ['functions/**/*.ts'],
    rules: restrict({ group: ['@cloud-copilot/*', '**/local/*', '**/local/**'], message: 'Lambda code never imports the local cloud or its AGPL-3.0 IAM evaluator.' }),
  },
);
