/**
 * Haven's REST API: one API Lambda behind a proxy integration per route of
 * the route table (control/api/routes.ts), IAM (SigV4) authorization by
 * default or a Cognito / Lambda token (JWT) authorizer by prop, a stage
 * throttle as a global guard (and per-route ones only when props name
 * them), access logs, X-Ray tracing, and gateway errors in the seed's
 * error shape.
 *
 * The seed's hourly route limits are per caller, which API Gateway cannot
 * enforce for IAM callers (its throttles count every caller together, and
 * usage plans need API keys): the API function enforces them, a token
 * bucket per caller and route in the catalog table, answering 429
 * `rate_limited` with `Retry-After` (control/api/rate-limit.ts).
 *
 * Every request a caller is authorized to make reaches the function, whose
 * router answers the API's own errors: besides the route table's methods,
 * every resource has an `ANY` method and a root `{proxy+}` catches paths
 * the table does not know, so an unknown path is a 404 `route_not_found`
 * and a known path with another method a 405 with `Allow` (API Gateway
 * would answer both with a 403 "Missing Authentication Token"). API Gateway
 * validates nothing itself: the function checks every path parameter,
 * query and body against the route's schemas and answers 400/422 in the
 * API's error shape, so a gateway validator would only duplicate it with
 * other bodies.
 *
 * **Access logs and the account's CloudWatch role.** API Gateway writes
 * access logs with the role set in the account's API Gateway settings (per
 * region); without one, deploying a stage with access logging fails. By
 * default the construct sets that role (CDK's `cloudWatchRole`, with
 * AWS's `AmazonAPIGatewayPushToCloudWatchLogs` policy, as API Gateway
 * documents) and retains it and the setting when the stack is deleted,
 * since other APIs of the account may log with it by then. The setting is
 * account-wide: an account that already has a role (another stack, or an
 * administrator, owns it) turns `cloudWatchRole` off (context
 * `haven:apiGatewayCloudWatchRole=false`), and access logging stays on
 * with the existing role. A custom resource that sets the role only when
 * none is set would avoid the switch, but would own a setting it cannot
 * safely undo either; the explicit switch keeps who owns it visible.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';

/** A route as the construct needs it (the route table's entries fit). */
export interface ApiRouteSpec {
  readonly method: string;
  /** `/backup/jobs/{job_id}` */
  readonly path: string;
}

/** A per-method throttle: steady requests per second and bucket size. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** How callers authenticate. */
export type HavenApiAuthorization =
  | { readonly type: 'iam' }
  | { readonly type: 'cognito'; readonly userPools: readonly cognito.IUserPool[]; readonly scopes?: readonly string[] }
  | { readonly type: 'token'; readonly handler: lambda.IFunction; readonly identitySource?: string };

/** Props of {@link HavenApi}. */
export interface HavenApiProps {
  /** The function that serves every route. */
  readonly apiFunction: lambda.IFunction;
  /** The routes to expose (Haven passes `API_ROUTES`). */
  readonly routes: readonly ApiRouteSpec[];
  /** @default IAM (SigV4) */
  readonly authorization?: HavenApiAuthorization;
  /** @default `v1` */
  readonly stageName?: string;
  /**
   * Set the account's API Gateway CloudWatch role (retained), which access
   * logging needs; turn off when the account already has one. @default true
   */
  readonly cloudWatchRole?: boolean;
  /** How long access logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the access log group when it leaves the stack. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly throttlingRateLimit?: number;
  /** Burst size across the stage. @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * Per-route throttles by `"METHOD /path"`, for every caller together (the
   * seed's per-caller hourly limits are the function's). @default none
   */
  readonly routeThrottling?: Readonly<Record<string, RouteThrottle>>;
}

/** Gateway-generated errors, answered in the seed's `{error, message, details}` shape. */
const GATEWAY_ERRORS: ReadonlyArray<[apigw.ResponseType, string]> = [
  [apigw.ResponseType.ACCESS_DENIED, 'access_denied'],
  // Every path reaches the function (unknown ones answer 404 there): this is an unsigned request.
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'unauthorized'],
  [apigw.ResponseType.UNAUTHORIZED, 'unauthorized'],
  [apigw.ResponseType.EXPIRED_TOKEN, 'unauthorized'],
  [apigw.ResponseType.INVALID_SIGNATURE, 'unauthorized'],
  [apigw.ResponseType.THROTTLED, 'rate_limited'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 'payload_too_large'],
  [apigw.ResponseType.DEFAULT_4XX, 'request_refused'],
  [apigw.ResponseType.DEFAULT_5XX, 'gateway_error'],
];

/** A regional REST API serving the route table through one Lambda. */
export class HavenApi extends Construct {
  /** The REST API. */
  readonly api: apigw.RestApi;
  /** Where the access logs go. */
  readonly accessLogGroup: logs.LogGroup;
  /** The stage's name. */
  readonly stageName: string;
  /** Per-method throttles applied, by `"METHOD /path"`. */
  readonly routeThrottles: Readonly<Record<string, RouteThrottle>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the function, the routes and overrides of the defaults
   * @throws InvalidPropsError when `routeThrottling` names a route the table does not have
   */
  constructor(scope: Construct, id: string, props: HavenApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    const routeKeys = new Set(props.routes.map((route) => `${route.method} ${route.path}`));
    const unknown = Object.keys(props.routeThrottling ?? {}).filter((key) => !routeKeys.has(key));
    if (unknown.length > 0) throw new InvalidPropsError(`${id}: routeThrottling names no route: ${unknown.join(', ')}`);
    const throttles: Record<string, RouteThrottle> = { ...props.routeThrottling };
    this.routeThrottles = throttles;
    const methodOptions = Object.fromEntries(
      Object.entries(throttles).map(([key, t]) => {
        const [method, path] = key.split(' ') as [string, string];
        return [`${path}/${method}`, { throttlingRateLimit: t.rateLimit, throttlingBurstLimit: t.burstLimit }];
      }),
    );

    this.stageName = props.stageName ?? 'v1';
    const cloudWatchRole = props.cloudWatchRole ?? true;
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Haven backup service API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Access logging needs the account's CloudWatch role: see the module comment.
      cloudWatchRole,
      ...(cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: this.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        methodOptions,
      },
    });
    for (const [type, error] of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        templates: { 'application/json': `{"error":"${error}","message":$context.error.messageString,"details":{"request_id":"$context.requestId"}}` },
      });
    }

    const methodOptionsOf = this.methodAuthorization(props.authorization ?? { type: 'iam' });
    // A plain Lambda proxy integration (what LambdaIntegration builds) without a Lambda permission per
    // method: one permission below covers every method of the stage.
    const integration = new apigw.AwsIntegration({ proxy: true, service: 'lambda', path: `2015-03-31/functions/${props.apiFunction.functionArn}/invocations` });
    const resources = new Set<apigw.IResource>([this.api.root]);
    for (const route of props.routes) {
      const resource = route.path === '/' ? this.api.root : this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, integration, methodOptionsOf);
      for (let r: apigw.IResource | undefined = resource; r; r = r.parentResource) resources.add(r);
    }
    // The catch-alls: any other method of a known path, and any unknown path, reach the router.
    for (const resource of resources) resource.addMethod('ANY', integration, methodOptionsOf);
    this.api.root.addResource('{proxy+}').addMethod('ANY', integration, methodOptionsOf);
    props.apiFunction.addPermission('InvokedByApi', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      // Every method of this stage (never the console's test-invoke-stage).
      sourceArn: this.api.arnForExecuteApi('*', '/*', this.stageName),
      scope: this,
    });

    const acknowledge = (ruleId: string, reason: string) => Validations.of(this.api).acknowledge({ id: ruleId, reason });
    acknowledge('AwsSolutions-APIG2', 'The API function validates every path parameter, query and body against the route\'s schemas and answers 400/422 in the API\'s error shape; a gateway validator would duplicate it with other bodies.');
    acknowledge('AwsSolutions-APIG3', 'Every method requires SigV4 (IAM) or a token authorizer and the stage and routes are throttled; a WAF web ACL adds cost without adding a control here.');
    acknowledge('AwsSolutions-APIG6', 'Access logs cover every request; execution logs would go to log groups API Gateway creates without retention and may carry request data.');
    if (cloudWatchRole) {
      const role = this.api.node.findChild('CloudWatchRole');
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', reason: 'The account-wide role API Gateway logs with serves every API of the account, so it carries the AWS-managed policy API Gateway documents for it.' });
    }
    if (props.authorization?.type !== 'cognito') acknowledge('AwsSolutions-COG4', 'Callers are IAM principals (SigV4) or bearers of tokens a Lambda authorizer checks, not Cognito users.');
  }

  private methodAuthorization(auth: HavenApiAuthorization): apigw.MethodOptions {
    switch (auth.type) {
      case 'iam':
        return { authorizationType: apigw.AuthorizationType.IAM };
      case 'cognito': {
        const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'CognitoAuthorizer', { cognitoUserPools: [...auth.userPools] });
        return { authorizationType: apigw.AuthorizationType.COGNITO, authorizer, ...(auth.scopes ? { authorizationScopes: [...auth.scopes] } : {}) };
      }
      case 'token': {
        const authorizer = new apigw.TokenAuthorizer(this, 'TokenAuthorizer', { handler: auth.handler, ...(auth.identitySource ? { identitySource: auth.identitySource } : {}) });
        return { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer };
      }
    }
  }

  /** The stage's invoke URL (ends with a slash). */
  get url(): string {
    return this.api.url;
  }
}
