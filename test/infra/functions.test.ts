/**
 * Haven's Lambda defaults across every function in the stack, and real
 * esbuild bundling of the API function alone (in a stack of its own, so
 * the backup functions are not bundled here): ESM, source maps,
 * deterministic, and runnable.
 */
import { afterEach, test, vi } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ESM_REQUIRE_BANNER, HavenFunction } from '../../infra/constructs/haven-function.js';
import { functionEntry } from '../../infra/paths.js';
import { readHavenVersion } from '../../infra/version.js';

const API_DESCRIPTION = 'Haven API: every route of the REST API';
import { cdkJsonContext, synthHaven, TEST_ENV } from './support/haven-app.js';
import { fakeApiEvent, fakeLambdaContext } from './support/lambda-context.js';

const { template, stack } = synthHaven();
/** Every workflow step's function, plus the API function. */
const FUNCTION_COUNT = [stack.backupFunctions, stack.restoreFunctions, stack.verifyFunctions, stack.pruneFunctions, stack.copyFunctions].reduce((n, f) => n + Object.keys(f.functions).length, 1);

/** The API function as the stack builds it, alone in a stack, bundled with esbuild. */
function bundledApi(): { app: App; code: { S3Key: string } } {
  const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'ApiBundle', { env: TEST_ENV });
  new HavenFunction(stack, 'Api', {
    entry: functionEntry('api'),
    description: API_DESCRIPTION,
    memorySize: 512,
    environment: { [HavenEnv.Version]: readHavenVersion() },
  });
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as { Properties: { Code: { S3Key: string } } }[];
  assert.ok(fn);
  return { app, code: fn.Properties.Code };
}

interface FunctionProps {
  Runtime: string;
  Architectures: string[];
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Code: { S3Key: string };
  Environment: { Variables: Record<string, string> };
  LoggingConfig: { LogFormat: string; ApplicationLogLevel: string; SystemLogLevel: string; LogGroup: { Ref: string } };
  TracingConfig?: { Mode: string };
}

const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: FunctionProps & { Description?: string } }[];
const apiFn = functions.find((f) => f.Properties.Description === API_DESCRIPTION)?.Properties as FunctionProps;
const bundled = bundledApi();
const bundleDir = path.join(bundled.app.outdir, `asset.${bundled.code.S3Key.replace(/\.zip$/, '')}`);

afterEach(() => {
  vi.unstubAllEnvs();
});

test('every function: nodejs22.x on arm64 with bounded memory and timeout', () => {
  // Act
  const all = functions.map((f) => f.Properties);

  // Assess
  assert.equal(all.length, FUNCTION_COUNT);
  for (const p of all) {
    assert.equal(p.Runtime, 'nodejs22.x');
    assert.deepEqual(p.Architectures, ['arm64']);
    assert.ok(p.MemorySize >= 128 && p.MemorySize <= 10_240);
    assert.ok(p.Timeout > 0 && p.Timeout <= 900);
    // `handler`, or a restore step's named export (pinned per step in restore-functions.test.ts).
    assert.match(p.Handler, /^index\.[A-Za-z]+$/);
  }
});

test('every function: JSON logs (Lambda advanced logging) into its own log group with bounded retention', () => {
  // Prepare
  const resources = template.toJSON().Resources;
  for (const { Properties: p } of functions) {
    // Act
    const group = resources[p.LoggingConfig.LogGroup.Ref];

    // Assess
    assert.equal(p.LoggingConfig.LogFormat, 'JSON');
    assert.equal(p.LoggingConfig.ApplicationLogLevel, p.Environment.Variables.POWERTOOLS_LOG_LEVEL);
    assert.equal(group.Type, 'AWS::Logs::LogGroup');
    assert.equal(group.Properties.RetentionInDays, 30);
  }
});

test('every function: source maps on', () => {
  for (const { Properties: p } of functions) {
    // Act
    const env = p.Environment.Variables;

    // Assess
    assert.equal(env.NODE_OPTIONS, '--enable-source-maps');
  }
});

test('every function: Haven\'s malloc settings', () => {
  for (const { Properties: p } of functions) {
    // Act
    const env = p.Environment.Variables;

    // Assess
    assert.deepEqual({ a: env.MALLOC_ARENA_MAX, m: env.MALLOC_MMAP_THRESHOLD_, t: env.MALLOC_TRIM_THRESHOLD_ }, { a: '2', m: '33554432', t: '268435456' });
  }
});

test('every function: Powertools configured', () => {
  for (const { Properties: p } of functions) {
    // Act
    const env = p.Environment.Variables;

    // Assess
    assert.equal(env.POWERTOOLS_SERVICE_NAME, 'haven');
    assert.equal(env.POWERTOOLS_LOG_LEVEL, 'INFO');
  }
});

test('API function: knows Haven\'s version', () => {
  // Act
  const version = apiFn?.Environment.Variables[HavenEnv.Version];

  // Assess
  assert.ok(apiFn, 'the stack has the API function');
  assert.equal(version, readHavenVersion());
});

test('API function: tracing off by default', () => {
  // Act
  const tracing = apiFn?.TracingConfig;

  // Assess
  assert.ok(apiFn, 'the stack has the API function');
  assert.equal(tracing, undefined);
});

test('the bundle is an ES module with the createRequire banner', () => {
  // Act
  const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');

  // Assess
  assert.ok(code.startsWith(ESM_REQUIRE_BANNER), 'starts with the banner');
});

test('the bundle links a source map to the TypeScript sources, without embedding them', () => {
  // Act
  const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
  const map = JSON.parse(readFileSync(path.join(bundleDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };

  // Assess
  assert.match(code, /\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  assert.ok(map.sources.some((s) => s.endsWith('functions/api/handler.ts')), 'maps back to the TypeScript source');
  assert.equal(map.sourcesContent, undefined, 'sources are not embedded');
});

test('the bundle holds everything: no node_modules beside it', () => {
  // Act
  const modules = existsSync(path.join(bundleDir, 'node_modules'));

  // Assess
  assert.ok(!modules, 'everything is bundled');
});

test('bundling is deterministic: a second synth yields the same asset hash', () => {
  // Act
  const again = bundledApi();

  // Assess
  assert.equal(again.code.S3Key, bundled.code.S3Key);
});

test('the bundle runs: GET /health answers 200 with JSON and the request id', async () => {
  // Prepare
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv(HavenEnv.Version, '9.9.9-bundle');
  // Settings the API reads when first used; /health makes no AWS call.
  const settings = {
    [HavenEnv.CatalogTable]: 'catalog',
    [HavenEnv.BackupStateMachineArn]: 'arn:aws:states:us-east-1:123456789012:stateMachine:b',
    [HavenEnv.RestoreStateMachineArn]: 'arn:aws:states:us-east-1:123456789012:stateMachine:r',
    [HavenEnv.VerifyStateMachineArn]: 'arn:aws:states:us-east-1:123456789012:stateMachine:v',
    [HavenEnv.ScheduleGroup]: 'haven',
    [HavenEnv.ScheduleRoleArn]: 'arn:aws:iam::123456789012:role/s',
  };
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  const mod = (await import(pathToFileURL(path.join(bundleDir, 'index.mjs')).href)) as {
    handler: (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
  };

  // Act
  const response = await mod.handler(fakeApiEvent('/health', 'req-bundle'), fakeLambdaContext());

  // Assess
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers?.['x-request-id'], 'req-bundle');
  assert.deepEqual(JSON.parse(response.body), { status: 'healthy', service: 'haven', version: '9.9.9-bundle' });
});
