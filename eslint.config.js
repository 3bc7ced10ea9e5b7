// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.venv/', '.haven/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum.' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'], message: 'The engine never imports CDK.' },
            { group: ['@middy/*', 'aws-lambda', '@aws-lambda-powertools/*'], message: 'The engine never imports Lambda types.' },
            { group: ['../functions/*', '../infra/*', '../local/*', '../cli/*', '../../functions/*', '../../infra/*', '../../local/*', '../../cli/*'], message: 'The engine imports nothing outside engine/.' },
            { group: ['@cloud-copilot/*'], message: 'AGPL-3.0 local tooling (the IAM evaluator): never in engine/ or functions/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@cloud-copilot/*', '**/local/*', '**/local/**'], message: 'Lambda code never imports the local cloud or its AGPL-3.0 IAM evaluator.' }] },
      ],
    },
  },
);
