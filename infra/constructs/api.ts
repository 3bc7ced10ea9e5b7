/**
 * Haven's REST API: one API Lambda behind a proxy integration per route of
 * the route table (engine/api/routes.ts), IAM (SigV4) authorization by
 * default or a Cognito / Lambda token (JWT) authorizer by prop, stage
 * throttling plus per-route limits from the seed's rate limits, access
 * logs, X-Ray tracing, and gateway errors in the seed's error shape.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A route as the construct needs it (the route table's entries fit). */
export interface ApiRouteSpec {
  readonly method: string;
  /** `/backup/jobs/{job_id}` */
  readonly path: string;
  /** The seed's limit, per hour; becomes a per-method throttle. */
  readonly rateLimitPerHour?: number;
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
  /** How long access logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the access log group when it leaves the stack. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly throttlingRateLimit?: number;
  /** Burst size across the stage. @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * Per-route throttles by `"METHOD /path"`, replacing the defaults derived
   * from the routes' hourly limits (a bucket of that many requests, refilled
   * over an hour).
   */
  readonly routeThrottling?: Readonly<Record<string, RouteThrottle>>;
}

/**
 * The throttle of a route with a seed limit of `perHour`: a bucket of
 * `perHour` requests, refilled at `perHour` an hour.
 */
export function hourlyThrottle(perHour: number): RouteThrottle {
  return { rateLimit: Number((perHour / 3600).toFixed(6)), burstLimit: perHour };
}

/** Gateway-generated errors, answered in the seed's `{error, message, details}` shape. */
const GATEWAY_ERRORS: ReadonlyArray<[apigw.ResponseType, string]> = [
  [apigw.ResponseType.ACCESS_DENIED, 'access_denied'],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 'route_not_found'],
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
  /** The validator every method uses. */
  readonly requestValidator: apigw.RequestValidator;
  /** Per-method throttles applied, by `"METHOD /path"`. */
  readonly routeThrottles: Readonly<Record<string, RouteThrottle>>;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the function, the routes and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: HavenApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    const throttles: Record<string, RouteThrottle> = {};
    for (const route of props.routes) {
      const key = `${route.method} ${route.path}`;
      const throttle = props.routeThrottling?.[key] ?? (route.rateLimitPerHour ? hourlyThrottle(route.rateLimitPerHour) : undefined);
      if (throttle) throttles[key] = throttle;
    }
    this.routeThrottles = throttles;
    const methodOptions = Object.fromEntries(
      Object.entries(throttles).map(([key, t]) => {
        const [method, path] = key.split(' ') as [string, string];
        return [`${path}/${method}`, { throttlingRateLimit: t.rateLimit, throttlingBurstLimit: t.burstLimit }];
      }),
    );

    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Haven backup service API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // No account-wide CloudWatch role: see the APIG6 acknowledgment below.
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        methodOptions,
      },
    });
    this.requestValidator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    for (const [type, error] of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        templates: { 'application/json': `{"error":"${error}","message":$context.error.messageString,"details":{"request_id":"$context.requestId"}}` },
      });
    }

    const methodOptionsOf = this.methodAuthorization(props.authorization ?? { type: 'iam' });
    const integration = new apigw.LambdaIntegration(props.apiFunction, { proxy: true, allowTestInvoke: false });
    for (const route of props.routes) {
      const resource = route.path === '/' ? this.api.root : this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, integration, { requestValidator: this.requestValidator, ...methodOptionsOf });
    }

    const acknowledge = (ruleId: string, reason: string) => Validations.of(this.api).acknowledge({ id: ruleId, reason });
    acknowledge('AwsSolutions-APIG3', 'Every method requires SigV4 (IAM) or a token authorizer and the stage and routes are throttled; a WAF web ACL adds cost without adding a control here.');
    acknowledge('AwsSolutions-APIG6', 'Execution logging needs the account-wide API Gateway CloudWatch role, which one stack must not own; access logs cover every request.');
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
