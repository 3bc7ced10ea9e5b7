/**
 * Provisions a synthesized template into the emulator, as CloudFormation
 * would: resources in dependency order (independent ones at once), each
 * created with its resolved properties, with local physical names derived
 * from the stack name. Resource types the emulator cannot hold (API Gateway,
 * CloudWatch alarms and dashboards, log groups) are recorded so references
 * to them resolve; the local API gateway serves the recorded routes.
 */
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CreateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { CreateScheduleCommand, CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { baseClientConfig, dynamoDbClient, kmsClient, s3Client, schedulerClient, sfnClient, snsClient, AwsService } from '../../vault/aws/clients.js';
import { HavenEnv } from '../../control/env.js';
import { HAVEN_ENTRY_METADATA } from '../../infra/constructs/haven-function.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { LocalStackError } from '../node-version.js';
import type { PolicyDocument } from '../iam/types.js';
import type { DeployedApi, DeployedFunction, DeployedResource, DeployedRole, DeployedStateMachine, Deployment } from './deployment.js';
import { references, resolve, type ResolveScope } from './intrinsics.js';
import type { CfnResource, SynthesizedStack } from './template-types.js';

/** The template holds something the local cloud cannot provision. */
export class ProvisionError extends LocalStackError {
  override readonly name = 'ProvisionError';
}

/** The tag on every role naming the IAM proxy its state machine's own calls go through (moto_launcher.py reads it). */
export const PROXY_TAG = 'haven:local-proxy';

/** Where the emulator-side pieces are. */
export interface ProvisionTargets {
  /** The IAM proxy state machines' own calls go through. */
  proxyUrl: string;
  /** The function host that runs the functions. */
  functionHostUrl: string;
}

/**
 * Account-wide settings the template may depend on without creating them
 * (a fresh account has none). moto keeps no API Gateway account settings, so
 * the provisioner checks them as CloudFormation's deployment would.
 */
export interface AccountSettings {
  /** The account already has API Gateway's CloudWatch Logs role set (`apigateway:UpdateAccount`). */
  apiGatewayCloudWatchRole?: boolean;
}

/** API Gateway's own refusal of a stage with logging in an account without the CloudWatch role. */
export const MISSING_CLOUDWATCH_ROLE = 'CloudWatch Logs role ARN must be set in account settings to enable logging';

/** Resource types recorded (so references resolve) but not created in the emulator, with why. */
export const RECORDED_ONLY: Readonly<Record<string, string>> = {
  'AWS::Logs::LogGroup': 'function logs go to files under .haven/cloud/logs',
  'AWS::CloudWatch::Alarm': 'moto evaluates no alarms; the infra tests check them',
  'AWS::CloudWatch::Dashboard': 'display only',
  'AWS::Lambda::Permission': 'the local API gateway invokes the API function directly',
  'AWS::ApiGateway::RestApi': 'served by the local API gateway',
  'AWS::ApiGateway::Resource': 'served by the local API gateway',
  'AWS::ApiGateway::Method': 'served by the local API gateway',
  'AWS::ApiGateway::Deployment': 'served by the local API gateway',
  'AWS::ApiGateway::RequestValidator': 'served by the local API gateway',
  'AWS::ApiGateway::GatewayResponse': 'served by the local API gateway',
  'AWS::SNS::Subscription': 'no e-mail or HTTPS delivery locally',
  'AWS::EC2::SecurityGroup': 'no VPC networking locally',
  'AWS::EC2::SecurityGroupIngress': 'no VPC networking locally',
  'AWS::EC2::SecurityGroupEgress': 'no VPC networking locally',
};

/** The region whose buckets are created without a location constraint (S3 refuses one naming it). */
const US_EAST_1 = 'us-east-1';

/** A unique, bounded physical name: `<stack>-<part>` with a hash when it must be shortened. */
export function physicalName(stackName: string, part: string, max: number, lower = false): string {
  let name = `${stackName}-${part}`.replace(/[^A-Za-z0-9-]/g, '-');
  if (lower) name = name.toLowerCase();
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - 9)}-${hash}`;
}

/** A zip holding one empty file: moto's CreateFunction wants code; the function host runs the entry instead. */
function placeholderZip(): Uint8Array {
  const name = Buffer.from('index.mjs');
  const data = deflateRawSync(Buffer.alloc(0));
  const crc = 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(0, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(0, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

type Props = Record<string, unknown>;
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Creates the template's resources in the emulator (the process's
 * AWS_ENDPOINT_URL, with its own credentials: provisioning is
 * CloudFormation's work, not a principal's).
 */
export async function provision(stack: SynthesizedStack, targets: ProvisionTargets, env: { account: string; region: string }, account: AccountSettings = {}): Promise<Deployment> {
  const { template, stackName } = stack;
  let cloudWatchRole = account.apiGatewayCloudWatchRole ?? false;
  const resources = new Map<string, DeployedResource>();
  const roles = new Map<string, DeployedRole>();
  const rolesByLogicalId = new Map<string, DeployedRole>();
  const functions: DeployedFunction[] = [];
  const stateMachines: DeployedStateMachine[] = [];
  const deployment: Deployment = {
    stackName,
    account: env.account,
    region: env.region,
    resources,
    functions,
    roles,
    stateMachines,
    resourcePolicies: new Map(),
    bucketKeys: new Map(),
    tableKeys: new Map(),
    secretKeys: new Map(),
    aliases: new Map(),
    outputs: {},
  };
  const scope: ResolveScope = {
    account: env.account,
    region: env.region,
    stackName,
    ref: (id) => resources.get(id)?.ref,
    attribute: (id, name) => resources.get(id)?.attributes[name],
    conditions: template.Conditions ?? {},
    parameters: Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, p.Default])),
  };
  // Keys and buckets are made in the stack's region (a copy vault stack deploys in another one).
  const kms = kmsClient({ region: env.region });
  const s3 = s3Client({ region: env.region });
  const iam = new IAMClient(baseClientConfig(AwsService.S3));
  const lambda = new LambdaClient(baseClientConfig(AwsService.S3));
  const pendingPolicies: Array<{ roles: string[]; document: PolicyDocument }> = [];

  const create = async (id: string, resource: CfnResource): Promise<DeployedResource> => {
    const p = (resolve(resource.Properties ?? {}, scope) ?? {}) as Props;
    const done = (ref: string, attributes: Record<string, unknown> = {}): DeployedResource => ({ type: resource.Type, ref, attributes, properties: p });
    const arnOf = (service: string, resourcePart: string) => `arn:aws:${service}:${env.region}:${env.account}:${resourcePart}`;
    switch (resource.Type) {
      case 'AWS::KMS::Key': {
        const out = await kms.send(
          new CreateKeyCommand({
            Description: p.Description as string | undefined,
            KeyUsage: (p.KeyUsage as 'ENCRYPT_DECRYPT' | undefined) ?? 'ENCRYPT_DECRYPT',
            KeySpec: (p.KeySpec as 'SYMMETRIC_DEFAULT' | undefined) ?? 'SYMMETRIC_DEFAULT',
            ...(p.KeyPolicy ? { Policy: JSON.stringify(p.KeyPolicy) } : {}),
          }),
        );
        const arn = out.KeyMetadata!.Arn!;
        if (p.KeyPolicy) deployment.resourcePolicies.set(arn, p.KeyPolicy as PolicyDocument);
        return done(out.KeyMetadata!.KeyId!, { Arn: arn, KeyId: out.KeyMetadata!.KeyId! });
      }
      case 'AWS::KMS::Alias': {
        const aliasName = p.AliasName as string;
        const target = String(p.TargetKeyId);
        await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: target }));
        const keyArn = target.startsWith('arn:') ? target : arnOf('kms', `key/${target}`);
        deployment.aliases.set(aliasName, keyArn);
        return done(aliasName, { AliasName: aliasName });
      }
      case 'AWS::S3::Bucket': {
        const name = (p.BucketName as string | undefined) ?? physicalName(stackName, id, 63, true);
        await s3.send(
          new CreateBucketCommand({
            Bucket: name,
            ...(env.region === US_EAST_1 ? {} : { CreateBucketConfiguration: { LocationConstraint: env.region as BucketLocationConstraint } }),
            ...(p.ObjectLockEnabled ? { ObjectLockEnabledForBucket: true } : {}),
          }),
        );
        const versioning = p.VersioningConfiguration as { Status?: string } | undefined;
        if (versioning?.Status || p.ObjectLockEnabled) {
          await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
        }
        const lock = p.ObjectLockConfiguration as { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } } | undefined;
        if (lock?.Rule?.DefaultRetention) {
          const r = lock.Rule.DefaultRetention;
          await s3.send(
            new PutObjectLockConfigurationCommand({
              Bucket: name,
              ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: r.Mode as 'GOVERNANCE' | 'COMPLIANCE', ...(r.Days ? { Days: r.Days } : { Years: r.Years }) } } },
            }),
          );
        }
        type CfnSseRule = { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean };
        const sse = p.BucketEncryption as { ServerSideEncryptionConfiguration?: CfnSseRule[] } | undefined;
        if (sse?.ServerSideEncryptionConfiguration) {
          const rules = sse.ServerSideEncryptionConfiguration.map((rule) => ({
            ApplyServerSideEncryptionByDefault: rule.ServerSideEncryptionByDefault as never,
            ...(rule.BucketKeyEnabled !== undefined ? { BucketKeyEnabled: rule.BucketKeyEnabled } : {}),
          }));
          await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: rules } }));
          const kmsRule = sse.ServerSideEncryptionConfiguration.find((rule) => rule.ServerSideEncryptionByDefault?.SSEAlgorithm?.startsWith('aws:kms'));
          const key = kmsRule?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
          if (key) deployment.bucketKeys.set(name, key.startsWith('arn:') ? key : arnOf('kms', `key/${key}`));
        }
        return done(name, { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${env.region}.amazonaws.com` });
      }
      case 'AWS::S3::BucketPolicy': {
        deployment.resourcePolicies.set(`arn:aws:s3:::${p.Bucket as string}`, p.PolicyDocument as PolicyDocument);
        return done(`${p.Bucket as string}-policy`);
      }
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const name = (p.TableName as string | undefined) ?? physicalName(stackName, id, 255);
        const replica = list(p.Replicas as Props[] | undefined)[0] ?? {};
        const gsis = list(p.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection }));
        await dynamoDbClient().send(
          new CreateTableCommand({
            TableName: name,
            KeySchema: p.KeySchema as never,
            AttributeDefinitions: p.AttributeDefinitions as never,
            BillingMode: 'PAY_PER_REQUEST',
            ...(gsis.length > 0 ? { GlobalSecondaryIndexes: gsis as never } : {}),
            ...(p.StreamSpecification ? { StreamSpecification: { StreamEnabled: true, StreamViewType: (p.StreamSpecification as Props).StreamViewType as never } } : {}),
          }),
        );
        await waitUntilTableExists({ client: dynamoDbClient(), maxWaitTime: 60 }, { TableName: name });
        const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
        if (ttl?.Enabled && ttl.AttributeName) {
          await dynamoDbClient().send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
        }
        const cmk = ((replica.SSESpecification as Props | undefined)?.KMSMasterKeyId ?? (p.SSESpecification as Props | undefined)?.KMSMasterKeyId) as string | undefined;
        if (cmk) deployment.tableKeys.set(name, cmk.startsWith('arn:') ? cmk : (deployment.aliases.get(cmk) ?? arnOf('kms', `key/${cmk}`)));
        return done(name, { Arn: arnOf('dynamodb', `table/${name}`), StreamArn: arnOf('dynamodb', `table/${name}/stream/local`) });
      }
      case 'AWS::IAM::Role': {
        const name = (p.RoleName as string | undefined) ?? physicalName(stackName, id, 64);
        const out = await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: JSON.stringify(p.AssumeRolePolicyDocument),
            ...(p.Path ? { Path: p.Path as string } : {}),
            Tags: [{ Key: PROXY_TAG, Value: targets.proxyUrl }],
          }),
        );
        const role: DeployedRole = { logicalId: id, name, arn: out.Role!.Arn!, policies: [] };
        for (const inline of list(p.Policies as Array<{ PolicyDocument: PolicyDocument }> | undefined)) role.policies.push(inline.PolicyDocument);
        // AWS managed policies (API Gateway's CloudWatch role, a VPC function's network
        // interfaces) have no documents here: they are not evaluated, so a call that
        // only they would allow is denied locally (none of Haven's SDK calls is).
        role.managedPolicyArns = list(p.ManagedPolicyArns as string[] | undefined);
        roles.set(name, role);
        rolesByLogicalId.set(id, role);
        return done(name, { Arn: role.arn, RoleId: out.Role!.RoleId! });
      }
      case 'AWS::IAM::Policy': {
        pendingPolicies.push({ roles: list(p.Roles as string[] | undefined), document: p.PolicyDocument as PolicyDocument });
        return done(String(p.PolicyName ?? id));
      }
      case 'AWS::Lambda::Function': {
        const entry = resource.Metadata?.[HAVEN_ENTRY_METADATA] as { entry: string; handler: string; path: string } | undefined;
        if (!entry) throw new ProvisionError(`${id}: no ${HAVEN_ENTRY_METADATA} metadata, so the local cloud does not know what code it runs`);
        const part = entry.path.split('/').slice(1).filter((s) => s !== 'Function').join('-');
        const name = (p.FunctionName as string | undefined) ?? physicalName(stackName, part || id, 64);
        const environment = ((p.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
        const roleArn = p.Role as string;
        const out = await lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Role: roleArn,
            Runtime: p.Runtime as never,
            Handler: p.Handler as string,
            Code: { ZipFile: placeholderZip() },
            Timeout: (p.Timeout as number | undefined) ?? 3,
            MemorySize: (p.MemorySize as number | undefined) ?? 128,
            Environment: { Variables: { ...environment, [HavenEnv.LocalFunctionHost]: targets.functionHostUrl } },
          }),
        );
        const role = [...roles.values()].find((r) => r.arn === roleArn);
        if (!role) throw new ProvisionError(`${id}: its role ${roleArn} is not one of the template's roles`);
        const logGroup = (p.LoggingConfig as { LogGroup?: string } | undefined)?.LogGroup ?? `/aws/lambda/${name}`;
        functions.push({
          logicalId: id,
          name,
          arn: out.FunctionArn!,
          path: entry.path,
          entry: join(REPO_ROOT, entry.entry),
          handler: entry.handler,
          environment,
          timeoutSeconds: (p.Timeout as number | undefined) ?? 3,
          memoryMb: (p.MemorySize as number | undefined) ?? 128,
          roleName: role.name,
          logGroupName: logGroup,
        });
        return done(name, { Arn: out.FunctionArn! });
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = (p.StateMachineName as string | undefined) ?? physicalName(stackName, id, 80);
        let text = p.DefinitionString as string | undefined;
        if (!text && p.Definition) text = JSON.stringify(p.Definition);
        if (!text && p.DefinitionS3Location) {
          const key = (p.DefinitionS3Location as { Key: string }).Key;
          text = stack.definitionAssets.get(key);
          if (!text) throw new ProvisionError(`${id}: definition asset ${key} is not in the cloud assembly`);
        }
        if (!text) throw new ProvisionError(`${id}: no definition`);
        const substitutions = (p.DefinitionSubstitutions ?? {}) as Record<string, string>;
        text = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => (key in substitutions ? String(substitutions[key]) : whole));
        const out = await sfnClient().send(
          new CreateStateMachineCommand({ name, definition: text, roleArn: p.RoleArn as string, type: (p.StateMachineType as 'STANDARD' | undefined) ?? 'STANDARD' }),
        );
        stateMachines.push({ logicalId: id, name, arn: out.stateMachineArn!, roleArn: p.RoleArn as string, definition: JSON.parse(text) as Record<string, unknown> });
        return done(out.stateMachineArn!, { Arn: out.stateMachineArn!, Name: name });
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = (p.Name as string | undefined) ?? physicalName(stackName, id, 64);
        const out = await schedulerClient().send(new CreateScheduleGroupCommand({ Name: name }));
        return done(name, { Arn: out.ScheduleGroupArn! });
      }
      case 'AWS::Scheduler::Schedule': {
        const name = (p.Name as string | undefined) ?? physicalName(stackName, id, 64);
        const out = await schedulerClient().send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: p.GroupName as string | undefined,
            ScheduleExpression: p.ScheduleExpression as string,
            ScheduleExpressionTimezone: p.ScheduleExpressionTimezone as string | undefined,
            FlexibleTimeWindow: p.FlexibleTimeWindow as never,
            Target: p.Target as never,
            State: p.State as never,
            Description: p.Description as string | undefined,
          }),
        );
        return done(name, { Arn: out.ScheduleArn! });
      }
      case 'AWS::SNS::Topic': {
        const name = (p.TopicName as string | undefined) ?? physicalName(stackName, id, 256);
        const attributes: Record<string, string> = {};
        if (p.DisplayName) attributes.DisplayName = p.DisplayName as string;
        if (p.KmsMasterKeyId) attributes.KmsMasterKeyId = p.KmsMasterKeyId as string;
        const out = await snsClient().send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
        return done(out.TopicArn!, { TopicArn: out.TopicArn!, TopicName: name });
      }
      case 'AWS::SNS::TopicPolicy': {
        for (const topic of list(p.Topics as string[] | undefined)) deployment.resourcePolicies.set(topic, p.PolicyDocument as PolicyDocument);
        return done(`${id}`);
      }
      case 'AWS::Logs::LogGroup': {
        const name = (p.LogGroupName as string | undefined) ?? physicalName(stackName, id, 512);
        return done(name, { Arn: arnOf('logs', `log-group:${name}:*`) });
      }
      case 'AWS::ApiGateway::Account': {
        if (p.CloudWatchRoleArn) cloudWatchRole = true;
        return done(`${stackName}-apigateway-account`);
      }
      case 'AWS::ApiGateway::Stage': {
        const logging = Boolean(p.AccessLogSetting) || ((p.MethodSettings ?? []) as Array<{ LoggingLevel?: string }>).some((m) => m.LoggingLevel && m.LoggingLevel !== 'OFF');
        // CloudFormation fails the stage (and rolls the stack back) with API Gateway's BadRequestException.
        if (logging && !cloudWatchRole) throw new ProvisionError(`${id} (AWS::ApiGateway::Stage): ${MISSING_CLOUDWATCH_ROLE} (Service: ApiGateway, Status Code: 400, BadRequestException); the stack rolls back`);
        return done(String(p.StageName ?? id));
      }
      case 'AWS::ApiGateway::RestApi': {
        const apiId = createHash('sha256').update(`${stackName}/${id}`).digest('hex').slice(0, 10);
        return done(apiId, { RootResourceId: `${apiId}-root` });
      }
      default: {
        if (resource.Type in RECORDED_ONLY) return done(physicalName(stackName, id, 128), { Arn: arnOf(resource.Type.split('::')[1]!.toLowerCase(), id) });
        throw new ProvisionError(`${id}: the local cloud does not provision ${resource.Type} (add it to provision.ts or to RECORDED_ONLY with a reason)`);
      }
    }
  };

  // Dependency order, in waves of resources whose references all exist.
  const entries = Object.entries(template.Resources);
  const ids = new Set(entries.map(([id]) => id));
  const deps = new Map(entries.map(([id, r]) => [id, new Set([...references(r.Properties ?? {}), ...list(r.DependsOn)].filter((d) => ids.has(d) && d !== id))]));
  const remaining = new Set(ids);
  while (remaining.size > 0) {
    const wave = [...remaining].filter((id) => [...deps.get(id)!].every((d) => !remaining.has(d)));
    if (wave.length === 0) throw new ProvisionError(`circular references among ${[...remaining].slice(0, 5).join(', ')}`);
    const created = await Promise.all(
      wave.map(async (id) => {
        try {
          return [id, await create(id, template.Resources[id]!)] as const;
        } catch (error) {
          if (error instanceof ProvisionError) throw error;
          throw new ProvisionError(`${id} (${template.Resources[id]!.Type}): ${(error as Error).message}`, { cause: error });
        }
      }),
    );
    for (const [id, resource] of created) {
      resources.set(id, resource);
      remaining.delete(id);
    }
  }
  for (const { roles: roleNames, document } of pendingPolicies) {
    for (const name of roleNames) {
      const role = roles.get(name);
      if (!role) throw new ProvisionError(`a policy is attached to ${name}, which is not one of the template's roles`);
      role.policies.push(document);
    }
  }
  deployment.api = recordApi(resources);
  for (const [name, output] of Object.entries(template.Outputs ?? {})) deployment.outputs[name] = String(resolve(output.Value, scope));
  void rolesByLogicalId;
  return deployment;
}

/** The REST API's routes from the recorded API Gateway resources and methods. */
function recordApi(resources: ReadonlyMap<string, DeployedResource>): DeployedApi | undefined {
  const all = [...resources.values()];
  if (!all.some((r) => r.type === 'AWS::ApiGateway::RestApi')) return undefined;
  const paths = new Map<string, string>();
  const pathOf = (resourceId: string): string => {
    if (resourceId.endsWith('-root')) return '';
    const known = paths.get(resourceId);
    if (known !== undefined) return known;
    const resource = all.find((r) => r.type === 'AWS::ApiGateway::Resource' && r.ref === resourceId);
    if (!resource) throw new ProvisionError(`API resource ${resourceId} is not in the template`);
    const path = `${pathOf(String(resource.properties.ParentId))}/${String(resource.properties.PathPart)}`;
    paths.set(resourceId, path);
    return path;
  };
  const validators = new Map(
    all.filter((r) => r.type === 'AWS::ApiGateway::RequestValidator').map((r) => [r.ref, { body: Boolean(r.properties.ValidateRequestBody), parameters: Boolean(r.properties.ValidateRequestParameters) }]),
  );
  const routes = all
    .filter((r) => r.type === 'AWS::ApiGateway::Method')
    .map((r) => {
      const p = r.properties;
      const uri = String((p.Integration as { Uri?: string } | undefined)?.Uri ?? '');
      const functionArn = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] ?? '';
      const validator = p.RequestValidatorId ? validators.get(String(p.RequestValidatorId)) : undefined;
      return {
        method: String(p.HttpMethod),
        path: pathOf(String(p.ResourceId)) || '/',
        authorizationType: String(p.AuthorizationType ?? 'NONE'),
        functionArn,
        ...(validator ? { validator } : {}),
        requestParameters: (p.RequestParameters ?? {}) as Record<string, boolean>,
      };
    });
  const gatewayResponses = Object.fromEntries(
    all
      .filter((r) => r.type === 'AWS::ApiGateway::GatewayResponse')
      .map((r) => [String(r.properties.ResponseType), { statusCode: r.properties.StatusCode as string | undefined, template: (r.properties.ResponseTemplates as Record<string, string> | undefined)?.['application/json'] }]),
  );
  return { routes, gatewayResponses };
}
