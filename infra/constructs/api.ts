/**
 * Haven's REST API: IAM (SigV4) authorization on every method, request
 * validation, access logs, X-Ray tracing and throttling. For now it serves
 * `GET /health` only.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Props of {@link HavenApi}. */
export interface HavenApiProps {
  /** The function behind `GET /health`. */
  readonly healthFunction: lambda.IFunction;
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
}

/** A regional REST API whose methods all require IAM-signed requests. */
export class HavenApi extends Construct {
  /** The REST API. */
  readonly api: apigw.RestApi;
  /** Where the access logs go. */
  readonly accessLogGroup: logs.LogGroup;
  /** The validator every method uses. */
  readonly requestValidator: apigw.RequestValidator;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the handlers and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: HavenApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Haven backup service API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // No account-wide CloudWatch role: see the APIG6 acknowledgment below.
      cloudWatchRole: false,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
      },
    });
    this.requestValidator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const integration = new apigw.LambdaIntegration(props.healthFunction, { proxy: true, allowTestInvoke: false });
    this.api.root.addResource('health').addMethod('GET', integration, { requestValidator: this.requestValidator });

    const acknowledge = (ruleId: string, reason: string) =>
      Validations.of(this.api).acknowledge({ id: ruleId, reason });
    acknowledge('AwsSolutions-APIG3', 'Every method requires SigV4 (IAM) auth and the stage is throttled; a WAF web ACL adds cost without adding a control here.');
    acknowledge('AwsSolutions-APIG6', 'Execution logging needs the account-wide API Gateway CloudWatch role, which one stack must not own; access logs cover every request.');
    acknowledge('AwsSolutions-COG4', 'Callers are IAM principals authorized with SigV4, not Cognito users.');
  }

  /** The stage's invoke URL (ends with a slash). */
  get url(): string {
    return this.api.url;
  }
}
