/**
 * The REST API: every route of the route table on one API Lambda (proxy
 * integration), IAM auth by default and Cognito or token authorizers by
 * prop, validation, access logs, tracing, stage and per-route throttling
 * from the seed's rate limits (overridable), gateway errors in the seed's
 * shape, and the API function's least-privilege grants.
 */
import { test } from 'vitest';
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

test('one regional REST API: the route table\'s methods, ANY on every resource, and a root {proxy+}, so every request reaches the router', () => {
  template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  const expected = [...API_ROUTES.map((r) => `${r.method} ${r.path}`), ...resourcePaths().map((p) => `ANY ${p}`), 'ANY /{proxy+}'];
  assert.deepEqual(methodRoutes(template), expected.sort());
});

test('unknown paths and methods reach the API function, which answers 404 route_not_found and 405 with Allow', async () => {
  process.env[HavenEnv.CatalogTable] ??= 'catalog';
  const { apiRouter } = await import('../../functions/api/app.js');
  const router = apiRouter(API_ROUTES, () => { throw new Error('no deps needed'); });
  const call = async (method: string, path: string) => (router as unknown as (e: unknown) => Promise<unknown>)({ httpMethod: method, path, headers: {}, requestContext: {} });
  await assert.rejects(call('GET', '/nope'), (e: unknown) => e instanceof NotFoundApiError && e.error === 'route_not_found');
  await assert.rejects(call('GET', '/backup'), (e: unknown) => e instanceof NotFoundApiError);
  await assert.rejects(call('PATCH', '/backup/jobs/job_1'), (e: unknown) => e instanceof MethodNotAllowedError && e.allowed.join() === 'GET,PUT,DELETE');
});

test('every method requires AWS_IAM auth and proxies to the one API function; API Gateway validates nothing itself (the function does)', () => {
  assert.ok(apiFunctionId);
  template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method') continue;
    assert.equal(r.Properties.AuthorizationType, 'AWS_IAM', id);
    assert.equal(r.Properties.RequestValidatorId, undefined, id);
    const integration = r.Properties.Integration as { Type: string; IntegrationHttpMethod: string; Uri: unknown };
    assert.equal(integration.Type, 'AWS_PROXY', id);
    assert.equal(integration.IntegrationHttpMethod, 'POST', id);
    assert.match(JSON.stringify(integration.Uri), new RegExp(`"${apiFunctionId}","Arn"`), id);
  }
});

test('the stage logs access as JSON, traces with X-Ray, and is throttled as a whole (a global guard; the seed\'s per-caller route limits are the function\'s)', () => {
  const s = stage();
  assert.equal(s.TracingEnabled, true);
  const destination = JSON.stringify(s.AccessLogSetting.DestinationArn);
  assert.ok(Object.keys(template.findResources('AWS::Logs::LogGroup')).some((id) => destination.includes(id)));
  const format = JSON.parse(s.AccessLogSetting.Format) as Record<string, string>;
  assert.equal(format.requestId, '$context.requestId');
  const all = s.MethodSettings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
  assert.equal(all?.ThrottlingRateLimit, 50);
  assert.equal(all?.ThrottlingBurstLimit, 100);
  // A per-route throttle counts every caller together: one caller would use up everyone's hourly limit.
  assert.equal(s.MethodSettings.length, 1, 'no route has a stage-wide throttle of its own');
  assert.deepEqual(stack.api.routeThrottles, {});
  assert.ok(API_ROUTES.filter((r) => r.rateLimitPerHour !== undefined).length >= 4, 'the seed\'s limits stay in the route table for the function');
});

test('gateway errors (auth, throttling, too large, defaults) answer in the seed error shape', () => {
  const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as { Properties: { ResponseType: string; ResponseTemplates: Record<string, string> } }[];
  const types = responses.map((r) => r.Properties.ResponseType).sort();
  for (const t of ['ACCESS_DENIED', 'THROTTLED', 'REQUEST_TOO_LARGE', 'DEFAULT_4XX', 'DEFAULT_5XX']) assert.ok(types.includes(t), t);
  const throttled = responses.find((r) => r.Properties.ResponseType === 'THROTTLED')!;
  const body = throttled.Properties.ResponseTemplates['application/json']!;
  assert.match(body, /^\{"error":"rate_limited","message":\$context\.error\.messageString,"details":\{"request_id":"\$context\.requestId"\}\}$/);
});

test('API Gateway may invoke the API function for every method of this API\'s stage, by one permission, never from the console test', () => {
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
  assert.equal(permissions.length, 1, 'one permission, however many methods (a function policy is limited to 20 KB)');
  const props = permissions[0]!.Properties as { Principal: string; FunctionName: unknown; SourceArn: unknown };
  assert.equal(props.Principal, 'apigateway.amazonaws.com');
  assert.match(JSON.stringify(props.FunctionName), new RegExp(apiFunctionId!));
  const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
  assert.equal(flat(props.SourceArn), `arn:aws:execute-api:us-east-1:123456789012:<${apiId}>/v1/*/*`);
});

test('access logging works on a fresh account: the stack sets the account\'s API Gateway CloudWatch role and retains both', () => {
  const accounts = template.findResources('AWS::ApiGateway::Account') as Record<string, { Properties: { CloudWatchRoleArn: unknown }; DeletionPolicy?: string }>;
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
  const { template: t } = synthHaven({ context: { [HavenContextKey.ApiGatewayCloudWatchRole]: 'false' } });
  t.resourceCountIs('AWS::ApiGateway::Account', 0);
  const [s] = Object.values(t.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[];
  assert.ok(s!.Properties.AccessLogSetting.DestinationArn);
  assert.throws(() => synthHaven({ context: { [HavenContextKey.ApiGatewayCloudWatchRole]: 'maybe' } }), (e: unknown) => e instanceof InvalidContextError && e.key === HavenContextKey.ApiGatewayCloudWatchRole);
});

test('an unsigned request answers in the API\'s error shape as unauthorized (unknown routes reach the function instead)', () => {
  const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')) as { Properties: { ResponseType: string; ResponseTemplates: Record<string, string> } }[];
  const missing = responses.find((r) => r.Properties.ResponseType === 'MISSING_AUTHENTICATION_TOKEN')!;
  assert.match(missing.Properties.ResponseTemplates['application/json']!, /^\{"error":"unauthorized"/);
});

test('the API function reads and writes the catalog, starts the backup, restore and verify workflows and stops backup and restore executions', () => {
  const statements = apiStatements(resources, apiFunctionId!);
  const actions = statements.flatMap((s) => list(s.Action));
  for (const a of ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'states:StartExecution', 'states:StopExecution']) assert.ok(actions.includes(a), a);
  const starts = statements.filter((s) => list(s.Action).includes('states:StartExecution')).map((s) => JSON.stringify(s.Resource)).join();
  for (const machine of ['BackupWorkflow', 'RestoreWorkflow', 'VerifyWorkflow']) assert.match(starts, new RegExp(machine), `StartExecution on ${machine}`);
  assert.doesNotMatch(starts, /PruneWorkflow/);
  const stop = statements.find((s) => list(s.Action).includes('states:StopExecution'))!;
  assert.match(JSON.stringify(stop.Resource), /:execution:/);
  assert.doesNotMatch(JSON.stringify(stop.Resource), /Verify|Prune/, 'the API never stops verifications or prunes');
  const env = (resources[apiFunctionId!]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  for (const name of [HavenEnv.CatalogTable, HavenEnv.BackupStateMachineArn, HavenEnv.RestoreStateMachineArn, HavenEnv.VerifyStateMachineArn, HavenEnv.VaultUri, HavenEnv.KmsKeyId, HavenEnv.Version]) assert.ok(env[name], name);
  assert.equal(env[HavenEnv.ObjectLockMode], undefined, 'no Object Lock mode without Object Lock');
});

test('the API function reads the vault and deletes its snapshot objects only (backup delete), decrypting with the vault key and never writing', () => {
  const statements = apiStatements(resources, apiFunctionId!);
  const s3 = statements.filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));
  const deletes = s3.filter((s) => list(s.Action).includes('s3:DeleteObject'));
  assert.equal(deletes.length, 1);
  assert.match(JSON.stringify(deletes[0]!.Resource), /\/vault\/snapshots\/\*"/);
  assert.deepEqual(list(deletes[0]!.Action), ['s3:DeleteObject'], 'no Object Lock actions without Object Lock');
  assert.ok(!s3.flatMap((s) => list(s.Action)).some((a) => a === 's3:PutObject' || a.startsWith('s3:PutObjectRetention')), 'never writes the vault');
  const reads = s3.find((s) => list(s.Action).includes('s3:GetObject'))!;
  assert.match(JSON.stringify(reads.Resource), /\/vault\/\*"/);
  const vaultKey = statements.filter((s) => JSON.stringify(s.Resource).includes('VaultKey'));
  assert.ok(vaultKey.length > 0, 'unwraps data keys with the vault key');
  for (const st of vaultKey) assert.deepEqual(list(st.Action), ['kms:Decrypt']);
});

test('with Object Lock the API function reads snapshot retention (a locked snapshot is refused) and knows the mode', () => {
  const { template: t, stack: locked } = synthHaven({ context: { 'haven:objectLockMode': 'GOVERNANCE', 'haven:objectLockDays': 30 } });
  const res = t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const id = locked.getLogicalId(locked.apiFunction.fn.function.node.defaultChild as CfnElement);
  const deletes = apiStatements(res, id).find((s) => list(s.Action).includes('s3:DeleteObject'))!;
  assert.deepEqual(list(deletes.Action).sort(), ['s3:DeleteObject', 's3:GetObjectRetention']);
  assert.equal((res[id]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables[HavenEnv.ObjectLockMode], 'GOVERNANCE');
});

test('listed source tables and buckets let the API check they exist (DescribeTable, ListBucket), nothing more', () => {
  const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
  const bucket = 'arn:aws:s3:::acme-data';
  const { template: t, stack: s } = synthHaven({ context: { 'haven:sourceTableArns': [table], 'haven:sourceBucketArns': [bucket] } });
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

test('routes can be given stage-wide throttles of their own by props (a route the table lacks is refused)', () => {
  const t = apiStack(undefined, () => ({ routeThrottling: { 'POST /backup/jobs': { rateLimit: 1, burstLimit: 2 } } }));
  const [s] = Object.values(t.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[];
  const setting = s!.Properties.MethodSettings.find((m) => m.ResourcePath === '/~1backup~1jobs' && m.HttpMethod === 'POST');
  assert.deepEqual([setting?.ThrottlingRateLimit, setting?.ThrottlingBurstLimit], [1, 2]);
  assert.throws(() => apiStack(undefined, () => ({ routeThrottling: { 'POST /backup/nothing': { rateLimit: 1, burstLimit: 2 } } })), InvalidPropsError);
});

test('a Cognito authorizer replaces IAM on every method', () => {
  const s = new Stack(new App(), 'Cognito');
  const pool = new cognito.UserPool(s, 'Pool');
  const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  new HavenApi(s, 'Api', { apiFunction: fn, routes: API_ROUTES, authorization: { type: 'cognito', userPools: [pool] } });
  const t = Template.fromStack(s);
  t.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
  for (const m of Object.values(t.findResources('AWS::ApiGateway::Method'))) assert.equal((m as { Properties: { AuthorizationType: string } }).Properties.AuthorizationType, 'COGNITO_USER_POOLS');
});

test('a token (JWT) authorizer replaces IAM on every method', () => {
  const s = new Stack(new App(), 'Token');
  const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  const authorizer = new lambda.Function(s, 'Authorizer', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  new HavenApi(s, 'Api', { apiFunction: fn, routes: API_ROUTES, authorization: { type: 'token', handler: authorizer } });
  const t = Template.fromStack(s);
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', IdentitySource: 'method.request.header.Authorization' });
  for (const m of Object.values(t.findResources('AWS::ApiGateway::Method'))) assert.equal((m as { Properties: { AuthorizationType: string } }).Properties.AuthorizationType, 'CUSTOM');
});
