/**
 * The values the local IAM proxy works with: the principals and the "world"
 * (account, region, resource policies, which resources sit under which KMS
 * key) that the template loader fills from the synthesized CloudFormation
 * template, and the decisions the proxy reports.
 */

/** An IAM policy document as it appears in a template (identity, key, bucket, topic, queue or secret policy). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: readonly PolicyStatement[] | PolicyStatement;
}

/** One statement of a {@link PolicyDocument}; the evaluator validates it, so the fields stay loose. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | readonly string[];
  NotAction?: string | readonly string[];
  Resource?: string | readonly string[];
  NotResource?: string | readonly string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A caller whose calls are authorized: a role ARN and the identity policies attached to it. */
export interface Principal {
  /** The role ARN, e.g. `arn:aws:iam::123456789012:role/Haven-BackupFnServiceRole-ABC`. */
  arn: string;
  policies: readonly PolicyDocument[];
}

/**
 * What the proxy knows about the deployment. A plain value: the template
 * loader builds it, and may add entries to its maps after the proxy has
 * started (the proxy reads them on every request).
 */
export interface IamWorld {
  accountId: string;
  region: string;
  /** Resource policies by resource ARN: KMS key policies by key ARN, S3 bucket policies by bucket ARN (they apply to the bucket's objects too), topic, queue, secret or function policies by their ARN. */
  resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  /** Bucket name → the SSE-KMS key ARN of its default encryption. */
  bucketKeys: ReadonlyMap<string, string>;
  /** Table name → the customer-managed KMS key ARN the table is encrypted with. */
  tableKeys: ReadonlyMap<string, string>;
  /** Secret ARN → the customer-managed KMS key ARN the secret is encrypted with. */
  secretKeys: ReadonlyMap<string, string>;
  /** A KMS key id, key ARN, alias name (`alias/x`) or alias ARN → the key ARN, or undefined when the world does not know it. */
  keyArnOf(idOrAlias: string): string | undefined;
}

/** Condition context values supplied with one authorization request. */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

/** One authorization AWS makes for a call: an action on a resource with the condition keys it supplies. */
export interface AuthorizationRequest {
  /** The IAM action, e.g. `s3:GetObject`. */
  action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  context: ConditionContext;
  /**
   * The request item this authorization covers when AWS answers per item
   * (a DeleteObjects key): denying it drops that item only.
   */
  item?: string;
}

/** How an authorization came out. */
export const CheckResult = {
  Allowed: 'Allowed',
  ExplicitlyDenied: 'ExplicitlyDenied',
  ImplicitlyDenied: 'ImplicitlyDenied',
  /** The proxy could not evaluate the request exactly (unmapped operation, wildcard in a resource ARN, unknown key); it is denied. */
  Error: 'Error',
} as const;
export type CheckResult = (typeof CheckResult)[keyof typeof CheckResult];

/** The outcome of one {@link AuthorizationRequest}. */
export interface Check {
  request: AuthorizationRequest;
  result: CheckResult;
  /** AWS's explanation of a denial (the text after "not authorized to perform ..."), or why the proxy could not evaluate it. */
  message?: string;
}

/** The proxy's verdict on one call. */
export interface Decision {
  /** True when the call is forwarded (for DeleteObjects: at least in part; see `deniedItems`). */
  allowed: boolean;
  /** The caller is the harness's or the operator's admin credentials: nothing was evaluated. */
  unrestricted: boolean;
  /** Every authorization made, in order. */
  checks: readonly Check[];
  /** The check that denied the whole call, when one did. */
  denied?: Check;
  /** Items denied one by one (DeleteObjects keys) while the rest of the call goes on. */
  deniedItems?: readonly Check[];
  /** Set when the call names something that does not exist (an alias): AWS's NotFound message, answered before any authorization. */
  notFound?: string;
}

/** What the proxy reports for every call it sees. */
export interface ObservedCall {
  accessKeyId: string;
  /** The principal's role ARN, `unrestricted`, or undefined for an unknown access key. */
  principal: string | undefined;
  service: string;
  operation: string;
  /** The call's parameters as the proxy parsed them, with secret values (SecretString, Plaintext, ...) redacted. */
  parameters: Readonly<Record<string, unknown>>;
  decision: Decision;
  /** False when the proxy runs with `enforce: false` and forwarded the call whatever the decision. */
  enforced: boolean;
}

/** An HTTP request as received: what the parsers read. */
export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/bucket/key?x-id=GetObject`. */
  url: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body; empty when the parser does not need it (see `needsBody`). */
  body: Buffer;
}
