/** The REST API: IAM auth, the /health route, validation, access logs, tracing, throttling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { synthHaven } from './support/haven-app.js';

const { template } = synthHaven();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

interface StageProps {
  TracingEnabled?: boolean;
  AccessLogSetting: { DestinationArn: unknown; Format: string };
  MethodSettings: { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number }[];
}
const [healthResourceId] = Object.keys(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'health' } }));
const [functionId] = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: 'Haven API: GET /health' } }));

test('one regional REST API', () => {
  template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
});

test('GET /health requires AWS_IAM auth and proxies to the health function', () => {
  assert.ok(healthResourceId);
  template.hasResourceProperties('AWS::ApiGateway::Method', {
    HttpMethod: 'GET',
    ResourceId: { Ref: healthResourceId },
    AuthorizationType: 'AWS_IAM',
    Integration: {
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [functionId, 'Arn'] }])] },
    },
    RequestValidatorId: Match.anyValue(),
  });
});

test('every method except CORS preflight requires AWS_IAM auth', () => {
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method' || r.Properties.HttpMethod === 'OPTIONS') continue;
    assert.equal(r.Properties.AuthorizationType, 'AWS_IAM', id);
  }
});

test('requests are validated (body and parameters)', () => {
  template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
});

test('the stage logs access as JSON to a log group, traces with X-Ray, and is throttled', () => {
  const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage')) as { Properties: StageProps }[];
  assert.ok(stage);
  assert.equal(stage.Properties.TracingEnabled, true);
  const destination = JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn);
  const accessLogGroup = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => destination.includes(id));
  assert.ok(accessLogGroup, 'access logs go to a log group in the stack');
  const format = JSON.parse(stage.Properties.AccessLogSetting.Format) as Record<string, string>;
  assert.equal(format.requestId, '$context.requestId');
  assert.equal(format.status, '$context.status');
  const [settings] = stage.Properties.MethodSettings;
  assert.ok(settings && (settings.ThrottlingRateLimit ?? 0) > 0 && (settings.ThrottlingBurstLimit ?? 0) > 0);
});

test('API Gateway may invoke the health function only for GET /health on this API, and not from the console test', () => {
  const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
  assert.equal(permissions.length, 1);
  const permission = permissions[0]?.Properties as { Principal: string; Action: string; SourceArn: unknown };
  assert.equal(permission.Principal, 'apigateway.amazonaws.com');
  assert.equal(permission.Action, 'lambda:InvokeFunction');
  const sourceArn = JSON.stringify(permission.SourceArn);
  assert.match(sourceArn, /\/GET\/health/);
  assert.doesNotMatch(sourceArn, /test-invoke-stage/);
});
