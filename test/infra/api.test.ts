/**
 * The REST API: every route of the route table on one API Lambda (proxy
 * integration), IAM auth by default and Cognito or token authorizers by
 * prop, validation, access logs, tracing, stage and per-route throttling
 * from the seed's rate limits (overridable), gateway errors in the seed's
 * shape, and the API function's least-privilege grants.
 */
import { afterEach, describe, test, vi } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { API_ROUTES } from '../../control/api/routes.js';
import { HavenApi, type HavenApiAuthorization } from '../../infra/constructs/api.js';
import { HavenContextKey } from '../../infra/config.js';
import { InvalidContextError, InvalidPropsError } from '../../infra/errors.js';
import { MethodNotAllowedError, NotFoundApiError } from '../../control/api/errors.js';
import { flat } from './support/template.js';
import { synthHaven } from './support/haven-app.js';

const { template, stack } = synthHaven();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const [apiFunctionId] = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'Haven API: every route of the REST API' } }));

interface StageProps {
  TracingEnabled?: boolean;
  AccessLogSetting: { DestinationArn: unknown; Format: string };
  MethodSettings: { ResourcePath: string; HttpMethod: string; ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number }[];
}
type Statement = { Action: string | string[]; Resource: unknown };
const list = (a: string | string[]): string[] => (Array.isArray(a) ? a : [a]);

/** Every IAM statement on the API function's role. */
function apiStatements(all: Record<string, { Type: string; Properties: Record<string, unknown> }>, fnId: string): Statement[] {
  const roleRef = (all[fnId]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(all).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleRef));
  return policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const stage = () => (Object.values(template.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[])[0]!.Properties;

/** `/backup/jobs/{job_id}` of each method resource, rebuilt from the PathPart chain. */
function methodRoutes(t: Template): string[] {
  const all = t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (!id || all[id]?.Type !== 'AWS::ApiGateway::Resource') return '';
    const p = all[id]!.Properties;
    return `${pathOf(p.ParentId)}/${String(p.PathPart)}`;
  };
  return Object.values(all)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => `${String(r.Properties.HttpMethod)} ${pathOf(r.Properties.ResourceId) || '/'}`)
    .sort();
}

/** Every path of the route table and each of its ancestors (`/backup`, `/backup/jobs`…), and the root. */
function resourcePaths(): string[] {
  const paths = new Set<string>(['/']);
  for (const r of API_ROUTES) {
    const parts = r.path.split('/').filter(Boolean);
    for (let n = 1; n <= parts.length; n++) paths.add(`/${parts.slice(0, n).join('/')}`);
  }
  return [...paths];
}

test('one regional REST API', () => {
  // Act
  const apis = template.findResources('AWS::ApiGateway::RestApi');

  // Assess
  assert.equal(Object.keys(apis).length, 1);
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
});

test('the route table\'s methods, ANY on every resource, and a root {proxy+}, so every request reaches the router', () => {
  // Prepare
  const expected = [...API_ROUTES.map((r) => `${r.method} ${r.path}`), ...resourcePaths().map((p) => `ANY ${p}`), 'ANY /{proxy+}'];

  // Act
  const routes = methodRoutes(template);

  // Assess
  assert.deepEqual(routes, expected.sort());
});

describe('the API function\'s router', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** The router over the route table (no dependency is reached before routing). */
  async function router() {
    if (process.env[HavenEnv.CatalogTable] === undefined) vi.stubEnv(HavenEnv.CatalogTable, 'catalog');
    const { apiRouter } = await import('../../functions/api/app.js');
    const route = apiRouter(API_ROUTES, () => { throw new Error('no deps needed'); });
    return async (method: string, path: string) => (route as unknown as (e: unknown) => Promise<unknown>)({ httpMethod: method, path, headers: {}, requestContext: {} });
  }

  test('unknown paths reach the API function, which answers 404 route_not_found', async () => {
    // Prepare
    const call = await router();

    // Act
    const unknown = () => call('GET', '/nope');
    const partial = () => call('GET', '/backup');

    // Assess
    await assert.rejects(unknown, (e: unknown) => e instanceof NotFoundApiError && e.error === 'route_not_found');
    await assert.rejects(partial, (e: unknown) => e instanceof NotFoundApiError);
  });

  test('methods a path does not serve reach the API function, which answers 405 with Allow', async () => {
    // Prepare
    const call = await router();

    // Act
    const patch = () => call('PATCH', '/backup/jobs/job_1');

    // Assess
    await assert.rejects(patch, (e: unknown) => e instanceof MethodNotAllowedError && e.allowed.join() === 'GET,PUT,DELETE');
  });
});

const methods = () => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Method');

test('every method requires AWS_IAM auth', () => {
  // Act
  const all = methods();

  // Assess
  assert.ok(all.length > 0);
  for (const [id, r] of all) assert.equal(r.Properties.AuthorizationType, 'AWS_IAM', id);
});

test('every method proxies to the one API function', () => {
  // Act
  const all = methods();

  // Assess
  assert.ok(apiFunctionId);
  for (const [id, r] of all) {
    const integration = r.Properties.Integration as { Type: string; IntegrationHttpMethod: string; Uri: unknown };
    assert.equal(integration.Type, 'AWS_PROXY', id);
    assert.equal(integration.IntegrationHttpMethod, 'POST', id);
    assert.match(JSON.stringify(integration.Uri), new RegExp(`"${apiFunctionId}","Arn"`), id);
  }
});

test('API Gateway validates nothing itself (the function does)', () => {
  // Act
  const validators = template.findResources('AWS::ApiGateway::RequestValidator');

  // Assess
  assert.equal(Object.keys(validators).length, 0);
  for (const [id, r] of methods()) assert.equal(r.Properties.RequestValidatorId, undefined, id);
});

test('the stage traces with X-Ray', () => {
  // Act
  const s = stage();

  // Assess
  assert.equal(s.TracingEnabled, true);
});

test('the stage logs access as JSON to a log group of the stack', () => {
  // Act
  const s = stage();

  // Assess
  const destination = JSON.stringify(s.AccessLogSetting.DestinationArn);
  assert.ok(Object.keys(template.findResources('AWS::Logs::LogGroup')).some((id) => destination.includes(id)));
  const format = JSON.parse(s.AccessLogSetting.Format) as Record<string, string>;
  assert.equal(format.requestId, '$context.requestId');
});

test('the stage is throttled as a whole (a global guard; the seed\'s per-caller route limits are the function\'s)', () => {
  // Act
  const s = stage();

  // Assess
  const all = s.MethodSettings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
  assert.equal(all?.ThrottlingRateLimit, 50);
  assert.equal(all?.ThrottlingBurstLimit, 100);
  // A per-route throttle counts every caller together: one caller would use up everyone's hourly limit.
  assert.equal(s.MethodSettings.length, 1, 'no route has a stage-wide throttle of its own');
  assert.deepEqual(stack.api.routeThrottles, {});
  assert.ok(API_ROUTES.filter((r) => r.rateLimitPerHour !== undefined).length >= 4, 'the seed\'s limits stay in the route table for the function');
});

const gatewayResponses = () => Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as { Properties: { ResponseType: string; ResponseTemplates: Record<string, string> } }[];

test('gateway errors (auth, throttling, too large, defaults) answer in the seed error shape', () => {
  // Act
  const responses = gatewayResponses();

  // Assess
  const types = responses.map((r) => r.Properties.ResponseType).sort();
  for (const t of ['ACCESS_DENIED', 'THROTTLED', 'REQUEST_TOO_LARGE', 'DEFAULT_4XX', 'DEFAULT_5XX']) assert.ok(types.includes(t), t);
  const throttled = responses.find((r) => r.Properties.ResponseType === 'THROTTLED')!;
  const body = throttled.Properties.ResponseTemplates['application/json']!;
  assert.match(body, /^\{"error":"rate_limited","message":\$context\.error\.messageString,"details":\{"request_id":"\$context\.requestId"\}\}$/);
});

test('API Gateway may invoke the API function for every method of this API\'s stage, by one permission, never from the console test', () => {
  // Act
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');

  // Assess
  assert.equal(permissions.length, 1, 'one permission, however many methods (a function policy is limited to 20 KB)');
  const props = permissions[0]!.Properties as { Principal: string; FunctionName: unknown; SourceArn: unknown };
  assert.equal(props.Principal, 'apigateway.amazonaws.com');
  assert.match(JSON.stringify(props.FunctionName), new RegExp(apiFunctionId!));
  const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
  assert.equal(flat(props.SourceArn), `arn:aws:execute-api:us-east-1:123456789012:<${apiId}>/v1/*/*`);
});

test('access logging works on a fresh account: the stack sets the account\'s API Gateway CloudWatch role and retains both', () => {
  // Act
  const accounts = template.findResources('AWS::ApiGateway::Account') as Record<string, { Properties: { CloudWatchRoleArn: unknown }; DeletionPolicy?: string }>;

  // Assess
  assert.equal(Object.keys(accounts).length, 1);
  const [account] = Object.values(accounts);
  assert.equal(account!.DeletionPolicy, 'Retain');
  const roleId = flat(account!.Properties.CloudWatchRoleArn).replace(/^<|\.Arn>$/g, '');
  const role = template.toJSON().Resources[roleId] as { Type: string; DeletionPolicy?: string; Properties: { AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] } } };
  assert.equal(role.Type, 'AWS::IAM::Role');
  assert.equal(role.DeletionPolicy, 'Retain');
  assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal, { Service: 'apigateway.amazonaws.com' });
  assert.ok(stage().AccessLogSetting, 'access logging on');
});

test('context haven:apiGatewayCloudWatchRole=false leaves the account\'s role alone and access logging on', () => {
  // Act
  const { template: t } = synthHaven({ context: { [HavenContextKey.ApiGatewayCloudWatchRole]: 'false' } });

  // Assess
  t.resourceCountIs('AWS::ApiGateway::Account', 0);
  const [s] = Object.values(t.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[];
  assert.ok(s!.Properties.AccessLogSetting.DestinationArn);
});

test('context haven:apiGatewayCloudWatchRole other than true or false is InvalidContextError', () => {
  // Act
  const synthesize = () => synthHaven({ context: { [HavenContextKey.ApiGatewayCloudWatchRole]: 'maybe' } });

  // Assess
  assert.throws(synthesize, (e: unknown) => e instanceof InvalidContextError && e.key === HavenContextKey.ApiGatewayCloudWatchRole);
});

test('an unsigned request answers in the API\'s error shape as unauthorized (unknown routes reach the function instead)', () => {
  // Act
  const missing = gatewayResponses().find((r) => r.Properties.ResponseType === 'MISSING_AUTHENTICATION_TOKEN')!;

  // Assess
  assert.match(missing.Properties.ResponseTemplates['application/json']!, /^\{"error":"unauthorized"/);
});

test('the API function reads and writes the catalog', () => {
  // Act
  const actions = apiStatements(resources, apiFunctionId!).flatMap((s) => list(s.Action));

  // Assess
  for (const a of ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) assert.ok(actions.includes(a), a);
});

test('the API function starts the backup, restore and verify workflows, never prune', () => {
  // Act
  const starts = apiStatements(resources, apiFunctionId!).filter((s) => list(s.Action).includes('states:StartExecution')).map((s) => JSON.stringify(s.Resource)).join();

  // Assess
  for (const machine of ['BackupWorkflow', 'RestoreWorkflow', 'VerifyWorkflow']) assert.match(starts, new RegExp(machine), `StartExecution on ${machine}`);
  assert.doesNotMatch(starts, /PruneWorkflow/);
});

test('the API function stops backup and restore executions only', () => {
  // Act
  const stop = apiStatements(resources, apiFunctionId!).find((s) => list(s.Action).includes('states:StopExecution'));

  // Assess
  assert.ok(stop, 'states:StopExecution');
  assert.match(JSON.stringify(stop.Resource), /:execution:/);
  assert.doesNotMatch(JSON.stringify(stop.Resource), /Verify|Prune/, 'the API never stops verifications or prunes');
});

test('the API function\'s environment names the catalog, the workflows, the vault, its key and the version, and no Object Lock mode without Object Lock', () => {
  // Act
  const env = (resources[apiFunctionId!]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  // Assess
  for (const name of [HavenEnv.CatalogTable, HavenEnv.BackupStateMachineArn, HavenEnv.RestoreStateMachineArn, HavenEnv.VerifyStateMachineArn, HavenEnv.VaultUri, HavenEnv.KmsKeyId, HavenEnv.Version]) assert.ok(env[name], name);
  assert.equal(env[HavenEnv.ObjectLockMode], undefined, 'no Object Lock mode without Object Lock');
});

const vaultStatements = () => apiStatements(resources, apiFunctionId!).filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));

test('the API function deletes the vault\'s snapshot objects only (backup delete)', () => {
  // Act
  const deletes = vaultStatements().filter((s) => list(s.Action).includes('s3:DeleteObject'));

  // Assess
  assert.equal(deletes.length, 1);
  assert.match(JSON.stringify(deletes[0]!.Resource), /\/\*\/snapshots\/\*"/);
  assert.deepEqual(list(deletes[0]!.Action), ['s3:DeleteObject'], 'no Object Lock actions without Object Lock');
});

test('the API function never writes the vault', () => {
  // Act
  const actions = vaultStatements().flatMap((s) => list(s.Action));

  // Assess
  assert.ok(!actions.some((a) => a === 's3:PutObject' || a.startsWith('s3:PutObjectRetention')), 'never writes the vault');
});

test('the API function reads the vault', () => {
  // Act
  const reads = vaultStatements().find((s) => list(s.Action).includes('s3:GetObject'));

  // Assess
  assert.ok(reads, 's3:GetObject');
  assert.match(JSON.stringify(reads.Resource), /Arn"\]},"\/\*"/);
});

test('the API function decrypts with the vault key, nothing more', () => {
  // Act
  const vaultKey = apiStatements(resources, apiFunctionId!).filter((s) => JSON.stringify(s.Resource).includes('VaultKey'));

  // Assess
  assert.ok(vaultKey.length > 0, 'unwraps data keys with the vault key');
  for (const st of vaultKey) assert.deepEqual(list(st.Action), ['kms:Decrypt']);
});

/** The stack with Object Lock on: synthesized once, only read by the tests below. */
const locked = synthHaven({ context: { 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 30 } });
const lockedResources = locked.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const lockedApiFunctionId = locked.stack.getLogicalId(locked.stack.apiFunction.fn.function.node.defaultChild as CfnElement);

test('with Object Lock the API function reads snapshot retention (a locked snapshot is refused)', () => {
  // Act
  const deletes = apiStatements(lockedResources, lockedApiFunctionId).find((s) => list(s.Action).includes('s3:DeleteObject'))!;

  // Assess
  assert.deepEqual(list(deletes.Action).sort(), ['s3:DeleteObject', 's3:GetObjectRetention']);
});

test('with Object Lock the API function knows the mode', () => {
  // Act
  const env = (lockedResources[lockedApiFunctionId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  // Assess
  assert.equal(env[HavenEnv.ObjectLockMode], 'GOVERNANCE');
});

test('listed source tables and buckets let the API check they exist (DescribeTable, ListBucket), nothing more', () => {
  // Prepare
  const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
  const bucket = 'arn:aws:s3:::acme-data';

  // Act
  const { template: t, stack: s } = synthHaven({ context: { 'haven:sourceTableArns': [table], 'haven:sourceBucketArns': [bucket] } });

  // Assess
  const id = s.getLogicalId(s.apiFunction.fn.function.node.defaultChild as CfnElement);
  const statements = apiStatements(t.toJSON().Resources, id);
  const on = (arn: string) => statements.filter((st) => JSON.stringify(st.Resource).includes(arn)).flatMap((st) => list(st.Action));
  assert.deepEqual(on(table), ['dynamodb:DescribeTable']);
  assert.deepEqual(on(bucket), ['s3:ListBucket']);
});

function apiStack(authorization?: HavenApiAuthorization, extra: (s: Stack) => Partial<ConstructorParameters<typeof HavenApi>[2]> = () => ({})): Template {
  const s = new Stack(new App(), 'ApiOnly');
  const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  const auth = typeof authorization === 'function' ? undefined : authorization;
  new HavenApi(s, 'Api', { apiFunction: fn, routes: API_ROUTES, ...(auth ? { authorization: auth } : {}), ...extra(s) });
  return Template.fromStack(s);
}

test('routes can be given stage-wide throttles of their own by props', () => {
  // Act
  const t = apiStack(undefined, () => ({ routeThrottling: { 'POST /backup/jobs': { rateLimit: 1, burstLimit: 2 } } }));

  // Assess
  const [s] = Object.values(t.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[];
  const setting = s!.Properties.MethodSettings.find((m) => m.ResourcePath === '/~1backup~1jobs' && m.HttpMethod === 'POST');
  assert.deepEqual([setting?.ThrottlingRateLimit, setting?.ThrottlingBurstLimit], [1, 2]);
});

test('a route throttle for a route the table lacks is refused', () => {
  // Act
  const build = () => apiStack(undefined, () => ({ routeThrottling: { 'POST /backup/nothing': { rateLimit: 1, burstLimit: 2 } } }));

  // Assess
  assert.throws(build, InvalidPropsError);
});

test('a Cognito authorizer replaces IAM on every method', () => {
  // Prepare
  const s = new Stack(new App(), 'Cognito');
  const pool = new cognito.UserPool(s, 'Pool');
  const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });

  // Act
  new HavenApi(s, 'Api', { apiFunction: fn, routes: API_ROUTES, authorization: { type: 'cognito', userPools: [pool] } });

  // Assess
  const t = Template.fromStack(s);
  t.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
  for (const m of Object.values(t.findResources('AWS::ApiGateway::Method'))) assert.equal((m as { Properties: { AuthorizationType: string } }).Properties.AuthorizationType, 'COGNITO_USER_POOLS');
});

test('a token (JWT) authorizer replaces IAM on every method', () => {
  // Prepare
  const s = new Stack(new App(), 'Token');
  const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  const authorizer = new lambda.Function(s, 'Authorizer', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });

  // Act
  new HavenApi(s, 'Api', { apiFunction: fn, routes: API_ROUTES, authorization: { type: 'token', handler: authorizer } });

  // Assess
  const t = Template.fromStack(s);
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', IdentitySource: 'method.request.header.Authorization' });
  for (const m of Object.values(t.findResources('AWS::ApiGateway::Method'))) assert.equal((m as { Properties: { AuthorizationType: string } }).Properties.AuthorizationType, 'CUSTOM');
});
