/** Shared values for the local IAM proxy tests: an account, a world, policy builders. */
import type { IamWorld, PolicyDocument, PolicyStatement, Principal } from '../../../local/iam/types.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Haven-BackupFnServiceRole-ABC123`;
export const VAULT_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const VAULT_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${VAULT_KEY_ID}`;
export const TABLE_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:haven/db-AbCdEf`;

/** A policy document of the given statements. */
export function policy(...Statement: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

/** An allow statement. */
export function allow(Action: string | string[], Resource: string | string[], Condition?: PolicyStatement['Condition']): PolicyStatement {
  return { Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** A deny statement. */
export function deny(Action: string | string[], Resource: string | string[], Condition?: PolicyStatement['Condition']): PolicyStatement {
  return { Effect: 'Deny', Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** The key policy CDK writes by default: the account root may do anything, which delegates to IAM. */
export const ROOT_KEY_POLICY = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' });

/** A principal with the given policies. */
export function principal(...policies: PolicyDocument[]): Principal {
  return { arn: ROLE_ARN, policies };
}

/** A mutable world: tests add entries after the proxy starts. */
export interface TestWorld extends IamWorld {
  resourcePolicies: Map<string, PolicyDocument>;
  bucketKeys: Map<string, string>;
  tableKeys: Map<string, string>;
  secretKeys: Map<string, string>;
  aliases: Map<string, string>;
}

/** A world whose KMS keys are known by id, ARN and the aliases in `aliases`. */
export function world(init: Partial<Pick<TestWorld, 'resourcePolicies' | 'bucketKeys' | 'tableKeys' | 'secretKeys' | 'aliases'>> = {}): TestWorld {
  const aliases = init.aliases ?? new Map<string, string>();
  const resourcePolicies = init.resourcePolicies ?? new Map<string, PolicyDocument>();
  return {
    accountId: ACCOUNT,
    region: REGION,
    resourcePolicies,
    bucketKeys: init.bucketKeys ?? new Map(),
    tableKeys: init.tableKeys ?? new Map(),
    secretKeys: init.secretKeys ?? new Map(),
    aliases,
    keyArnOf(idOrAlias: string) {
      const alias = idOrAlias.startsWith('arn:') && idOrAlias.includes(':alias/') ? idOrAlias.slice(idOrAlias.indexOf('alias/')) : idOrAlias;
      if (aliases.has(alias)) return aliases.get(alias);
      if (idOrAlias.startsWith('arn:aws:kms:') && idOrAlias.includes(':key/')) return idOrAlias;
      if (/^[0-9a-f-]{36}$/.test(idOrAlias)) return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${idOrAlias}`;
      return undefined;
    },
  };
}
