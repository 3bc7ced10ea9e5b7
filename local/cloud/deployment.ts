/** What provisioning a template into the emulator produced: the local cloud's view of a deployment. */
import type { PolicyDocument } from '../iam/types.js';

/** One created (or recorded) resource. */
export interface DeployedResource {
  type: string;
  /** What `Ref` returns. */
  ref: string;
  /** What `Fn::GetAtt` returns, by attribute name. */
  attributes: Record<string, unknown>;
  /** The resolved properties. */
  properties: Record<string, unknown>;
}

/** A function of the template, resolved. */
export interface DeployedFunction {
  logicalId: string;
  name: string;
  arn: string;
  /** The construct path (`Haven/Backup/ExportPartition/Function`). */
  path: string;
  /** Absolute path of the entry module. */
  entry: string;
  handler: string;
  /** The template's environment variables, resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  roleName: string;
  logGroupName: string;
}

/** A role of the template with the identity policies attached to it. */
export interface DeployedRole {
  logicalId: string;
  name: string;
  arn: string;
  policies: PolicyDocument[];
  /** AWS managed policies attached (not evaluated locally: their documents are AWS's). */
  managedPolicyArns?: string[];
}

/** A state machine of the template, as created. */
export interface DeployedStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  roleArn: string;
  /** The definition with its substitutions applied. */
  definition: Record<string, unknown>;
}

/** A route of the REST API, as the template's resources and methods spell it. */
export interface DeployedRoute {
  method: string;
  /** `/backup/jobs/{job_id}`, or `/{proxy+}` for a greedy catch-all. */
  path: string;
  authorizationType: string;
  /** The Lambda function the proxy integration invokes (by ARN). */
  functionArn: string;
  /** The request validator, when the method has one. */
  validator?: { body: boolean; parameters: boolean };
  /** Request parameters the method declares, `method.request.path.x` → required. */
  requestParameters: Record<string, boolean>;
}

/** The REST API of the template. */
export interface DeployedApi {
  routes: DeployedRoute[];
  /** Gateway responses by response type (`MISSING_AUTHENTICATION_TOKEN`, `DEFAULT_4XX` …): status and JSON template. */
  gatewayResponses: Record<string, { statusCode?: string; template?: string }>;
}

/** A template provisioned into the emulator. */
export interface Deployment {
  stackName: string;
  account: string;
  region: string;
  resources: ReadonlyMap<string, DeployedResource>;
  functions: DeployedFunction[];
  /** By role name (the access key id its functions sign with locally). */
  roles: ReadonlyMap<string, DeployedRole>;
  stateMachines: DeployedStateMachine[];
  /** Resource policies by ARN: KMS key policies, S3 bucket policies, SNS topic policies. */
  resourcePolicies: Map<string, PolicyDocument>;
  /** Bucket name → the KMS key ARN of its default SSE-KMS encryption. */
  bucketKeys: Map<string, string>;
  /** Table name → the ARN of the customer-managed key it is encrypted under. */
  tableKeys: Map<string, string>;
  /** Secret ARN → the ARN of the customer-managed key it is encrypted under. */
  secretKeys: Map<string, string>;
  /** Alias name (`alias/x`) → key ARN. */
  aliases: Map<string, string>;
  /** The template's outputs, resolved. */
  outputs: Record<string, string>;
  api?: DeployedApi;
}
