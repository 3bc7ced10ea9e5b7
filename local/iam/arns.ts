/** The ARN formats the proxy builds and reads; each is written here once. */

/** The partition every local ARN is in. */
export const PARTITION = 'aws';

/** Where a call happens: the region it was signed for and the deployment's account. */
export interface Scope {
  region: string;
  accountId: string;
}

const regional = (service: string, scope: Scope, rest: string) => `arn:${PARTITION}:${service}:${scope.region}:${scope.accountId}:${rest}`;

/** True when the value is already an ARN (services accept names or ARNs in the same parameter). */
export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

/** ARN builders by service. */
export const Arn = {
  bucket: (bucket: string) => `arn:${PARTITION}:s3:::${bucket}`,
  object: (bucket: string, key: string) => `arn:${PARTITION}:s3:::${bucket}/${key}`,
  table: (scope: Scope, table: string) => (isArn(table) ? table : regional('dynamodb', scope, `table/${table}`)),
  index: (scope: Scope, table: string, index: string) => `${Arn.table(scope, table)}/index/${index}`,
  key: (scope: Scope, keyId: string) => regional('kms', scope, `key/${keyId}`),
  /** `aliasName` is `alias/<name>`. */
  alias: (scope: Scope, aliasName: string) => regional('kms', scope, aliasName),
  stateMachine: (scope: Scope, name: string) => (isArn(name) ? name : regional('states', scope, `stateMachine:${name}`)),
  eventBus: (scope: Scope, nameOrArn: string | undefined) =>
    nameOrArn && isArn(nameOrArn) ? nameOrArn : regional('events', scope, `event-bus/${nameOrArn || 'default'}`),
  topic: (scope: Scope, name: string) => (isArn(name) ? name : regional('sns', scope, name)),
  queue: (scope: Scope, name: string, accountId = scope.accountId) => regional('sqs', { ...scope, accountId }, name),
  secret: (scope: Scope, nameOrArn: string) => (isArn(nameOrArn) ? nameOrArn : regional('secretsmanager', scope, `secret:${nameOrArn}`)),
  function: (scope: Scope, nameOrArn: string, qualifier?: string) => {
    const base = isArn(nameOrArn)
      ? nameOrArn
      : nameOrArn.includes(':')
        ? // partial ARN `123456789012:function:name` or `name:qualifier`
          nameOrArn.includes(':function:')
          ? `arn:${PARTITION}:lambda:${scope.region}:${nameOrArn}`
          : regional('lambda', scope, `function:${nameOrArn}`)
        : regional('lambda', scope, `function:${nameOrArn}`);
    return qualifier ? `${base}:${qualifier}` : base;
  },
  schedule: (scope: Scope, group: string | undefined, name: string) => regional('scheduler', scope, `schedule/${group || 'default'}/${name}`),
  role: (scope: Scope, name: string, path = '/') => `arn:${PARTITION}:iam::${scope.accountId}:role${path}${name}`,
  scheduleGroup: (scope: Scope, group: string) => regional('scheduler', scope, `schedule-group/${group}`),
} as const;

/** The bucket of an S3 bucket or object ARN, or undefined for any other ARN. */
export function bucketOfArn(arn: string): string | undefined {
  const prefix = `arn:${PARTITION}:s3:::`;
  if (!arn.startsWith(prefix)) return undefined;
  const rest = arn.slice(prefix.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** The table name of a DynamoDB table or index ARN, or undefined for any other ARN. */
export function tableOfArn(arn: string): string | undefined {
  const match = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)/.exec(arn);
  return match?.[1];
}

/** The account of a regional ARN (`arn:aws:svc:region:account:...`), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[4] ? parts[4] : undefined;
}
