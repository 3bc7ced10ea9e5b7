/**
 * Haven's Lambda function: a NodejsFunction bundled locally with esbuild
 * (never Docker) into an ESM bundle with source maps, running Node 22 on
 * arm64, logging JSON to its own log group with bounded retention, under a
 * role that can do nothing but write that log group until granted more.
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT, TSCONFIG } from '../paths.js';

/** Powertools log levels, mapped one-to-one onto Lambda's application log levels. */
export const HavenLogLevel = {
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARN: 'WARN',
  ERROR: 'ERROR',
} as const;
export type HavenLogLevel = (typeof HavenLogLevel)[keyof typeof HavenLogLevel];

/**
 * The template metadata key of each function's source entry (`{entry, handler, path}`:
 * the entry relative to the repository root, the exported handler, the construct path),
 * which the local cloud runs.
 */
export const HAVEN_ENTRY_METADATA = 'Haven::Entry';

/** The Powertools service name every Haven function logs under. */
export const POWERTOOLS_SERVICE_NAME = 'haven';

/**
 * The ESM banner: bundled CommonJS dependencies still call `require`, which
 * an ES module does not have, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __havenCreateRequire } from 'node:module'; const require = __havenCreateRequire(import.meta.url);";

/**
 * glibc malloc settings for Haven's processes (Lambda functions, the CLI,
 * the bench). Two arenas keep the native memory of zstd and the blob
 * workers from fragmenting across one arena per thread; a fixed 32 MiB
 * mmap threshold and a 256 MiB trim threshold keep freed chunk and pack
 * buffers in the process for reuse instead of returning them to the kernel
 * and faulting them in again (a third of the page faults and about 7% of a
 * 1 GiB backup's wall time on the bench machine; see bench/RESULTS.md).
 */
export const HAVEN_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
} as const;

/**
 * esbuild options that bundle an entry the way {@link HavenFunction} does
 * (ESM, Node 22, minified, the require banner), for code that runs a
 * Lambda-like bundle outside CDK: the bundle test and the bench.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'] as string[],
  banner: { js: ESM_REQUIRE_BANNER },
} as const;

/** Props of {@link HavenFunction}. */
export interface HavenFunctionProps {
  /** Absolute path of the TypeScript entry file. */
  readonly entry: string;
  /** The exported handler's name. @default `handler` */
  readonly handler?: string;
  readonly description?: string;
  /** @default 256 MiB */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Extra environment variables (Haven's own are set regardless). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Log level for Powertools and Lambda's application logs. @default INFO */
  readonly logLevel?: HavenLogLevel;
  /** How long the function's logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. @default DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Active X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /** Caps concurrent executions. @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** The VPC the function runs in (its role must be allowed to manage network interfaces). @default none */
  readonly vpc?: ec2.IVpc;
  /** Subnets of `vpc`. @default the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups in `vpc`. @default a new one */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/**
 * A NodejsFunction with Haven's defaults. It is `IGrantable`, so constructs
 * grant to it directly, e.g. `vaultKey.grantWrapKeys(fn)`.
 */
export class HavenFunction extends Construct implements iam.IGrantable {
  /** The Lambda function. */
  readonly function: NodejsFunction;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The function's execution role. */
  readonly role: iam.Role;
  /** The principal grants go to (the execution role). */
  readonly grantPrincipal: iam.IPrincipal;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the entry file and overrides of the defaults
   */
  constructor(scope: Construct, id: string, props: HavenFunctionProps) {
    super(scope, id);
    const logLevel = props.logLevel ?? HavenLogLevel.INFO;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: the function
    // may write its own log group and nothing else until granted more.
    this.role = new iam.Role(this, 'Role', {
      // No source conditions: Lambda does not document aws:SourceAccount for execution roles.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    this.logGroup.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents');

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(props.vpc ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, ...(props.securityGroups ? { securityGroups: [...props.securityGroups] } : {}) } : {}),
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      awsSdkConnectionReuse: false,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        ...HAVEN_MALLOC_ENV,
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: logLevel,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_ESBUILD_OPTIONS.target,
        mainFields: LAMBDA_ESBUILD_OPTIONS.mainFields,
        banner: LAMBDA_ESBUILD_OPTIONS.banner.js,
        minify: LAMBDA_ESBUILD_OPTIONS.minify,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        charset: Charset.UTF8,
        // Bundle the pinned SDK rather than use the runtime's copy, so what
        // runs in Lambda is what the tests ran.
        bundleAwsSDK: true,
        tsconfig: TSCONFIG,
        logLevel: LogLevel.ERROR,
        forceDockerBundling: false,
      },
    });

    // The local cloud (local/cloud/) runs this entry for the function: the
    // template says which source file a function deploys (the asset is a hash).
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(HAVEN_ENTRY_METADATA, {
      entry: path.relative(REPO_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      path: this.node.path,
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Haven pins nodejs22.x to match its Node 22 toolchain; moving to a newer runtime is a deliberate upgrade.',
    });
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level scoping.',
      });
    }
  }
}
