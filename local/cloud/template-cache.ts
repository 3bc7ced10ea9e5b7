/**
 * The synthesized template, cached on disk across processes: synthesizing
 * loads the whole CDK library (seconds per process), while the template only
 * changes when the app's sources or the context do.
 *
 * A cache entry is synthesized with placeholder names (the stack name and
 * each granted table or bucket), keyed by the context without those names,
 * and valid while every file the synthesis can read (infra/, vault/, sources/, control/,
 * functions/, statemachines/, cdk.json, package-lock.json) keeps its size
 * and modification time. A hit substitutes the real names into the text.
 * Stacks built with `extend` or `props` (tests changing the CDK app itself)
 * are always synthesized.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../emulator/paths.js';
import type { ExtraVaultBucket } from '../../infra/constructs/vault-buckets.js';
import type { CopyVaultSynthOptions, SynthOptions } from './synth.js';
import type { CfnTemplate, SynthesizedStack } from './template-types.js';

/** Where cached templates live. */
const CACHE_DIR = join(repoRoot, '.haven', 'cloud', 'templates');
/** What the synthesis reads. */
const INPUT_DIRS = ['infra', 'vault', 'sources', 'control', 'functions', 'statemachines'];
const INPUT_FILES = ['cdk.json', 'package-lock.json'];

/** Resources granted by context, as a deployment's cdk.json lists them (names or ARNs). */
export interface GrantedResources {
  /** DynamoDB tables backups may read (`haven:sourceTableArns`). */
  sourceTables?: readonly string[];
  /** S3 buckets backups may read (`haven:sourceBucketArns`). */
  sourceBuckets?: readonly string[];
  /** DynamoDB tables restores may write (`haven:restoreTableArns`). */
  restoreTables?: readonly string[];
  /** S3 buckets restores may write (`haven:restoreBucketArns`). */
  restoreBuckets?: readonly string[];
}

/** Each granted list with its context key and how a name becomes an ARN. */
const GRANTS = {
  sourceTables: { key: 'haven:sourceTableArns', kind: 'table' },
  sourceBuckets: { key: 'haven:sourceBucketArns', kind: 'bucket' },
  restoreTables: { key: 'haven:restoreTableArns', kind: 'table' },
  restoreBuckets: { key: 'haven:restoreBucketArns', kind: 'bucket' },
} as const satisfies Record<keyof GrantedResources, { key: string; kind: 'table' | 'bucket' }>;

const arnOf = (kind: 'table' | 'bucket', name: string, env: { account: string; region: string }) =>
  name.startsWith('arn:') ? name : kind === 'table' ? `arn:aws:dynamodb:${env.region}:${env.account}:table/${name}` : `arn:aws:s3:::${name}`;

/** The context keys carrying {@link GrantedResources}. */
export function grantContext(granted: GrantedResources, env: { account: string; region: string }): Record<string, string[]> {
  const context: Record<string, string[]> = {};
  for (const [field, { key, kind }] of Object.entries(GRANTS) as Array<[keyof GrantedResources, (typeof GRANTS)[keyof GrantedResources]]>) {
    const names = granted[field];
    if (names?.length) context[key] = names.map((n) => arnOf(kind, n, env));
  }
  return context;
}

/** What {@link loadTemplate} takes. */
export interface TemplateRequest extends Omit<SynthOptions, 'context'> {
  stackName: string;
  granted: GrantedResources;
  /** Other context (Object Lock, …). */
  context?: Readonly<Record<string, unknown>>;
  /** The deployment's other vault buckets (`haven:vaultBuckets`); their names and key ARNs are substituted, so one cache entry serves every cloud. */
  vaultBuckets?: readonly ExtraVaultBucket[];
  env: { account: string; region: string };
}

function inputDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) {
        const s = statSync(join(repoRoot, path));
        hash.update(`${path}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const dir of INPUT_DIRS) walk(dir);
  for (const file of INPUT_FILES) {
    const s = statSync(join(repoRoot, file));
    hash.update(`${file}:${s.size}:${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

interface CacheEntry {
  digest: string;
  template: CfnTemplate;
  definitionAssets: Array<[string, string]>;
}

/** Placeholder names, unique and never a prefix of one another. */
const STACK_TOKEN = 'havenstacktoken';
const nameToken = (field: string, i: number) => `havenph-${field.toLowerCase()}-${i}-x`;

/**
 * The template for a request: from the cache when it holds one for these
 * sources and context, else synthesized (and cached).
 */
export async function loadTemplate(request: TemplateRequest): Promise<SynthesizedStack> {
  // Imported only to synthesize: loading the CDK library is what the cache saves.
  const synthesizeStack = async (options: SynthOptions) => (await import('./synth.js')).synthesizeStack(options);
  if (request.extend || request.props) {
    const vaultBuckets = request.vaultBuckets?.length ? { vaultBuckets: request.vaultBuckets } : {};
    return synthesizeStack({ stackName: request.stackName, context: { ...grantContext(request.granted, request.env), ...request.context }, ...vaultBuckets, ...pick(request) });
  }

  const substitutions: Array<[string, string]> = [[STACK_TOKEN, request.stackName]];
  const tokenGrants: GrantedResources = {};
  const shape: Record<string, number> = {};
  for (const field of Object.keys(GRANTS) as Array<keyof GrantedResources>) {
    const names = request.granted[field] ?? [];
    shape[field] = names.length;
    (tokenGrants as Record<string, string[]>)[field] = names.map((name, i) => {
      if (name.startsWith('arn:')) throw new Error(`${field}: give names, not ARNs, to the local cloud (${name})`);
      substitutions.push([nameToken(field, i), name]);
      return nameToken(field, i);
    });
  }
  const tokenBuckets = (request.vaultBuckets ?? []).map((bucket, i) => {
    const keyId = bucket.kmsKeyArn.slice(bucket.kmsKeyArn.lastIndexOf('/') + 1);
    substitutions.push([nameToken('vaultbucket', i), bucket.bucket], [nameToken('vaultkey', i), keyId]);
    return { ...bucket, bucket: nameToken('vaultbucket', i), kmsKeyArn: `${bucket.kmsKeyArn.slice(0, -keyId.length)}${nameToken('vaultkey', i)}` };
  });
  const vaultBuckets = tokenBuckets.length > 0 ? { vaultBuckets: tokenBuckets } : {};
  const synthesized = await cachedSynthesis({ shape, context: request.context ?? {}, ...vaultBuckets }, substitutions, () =>
    synthesizeStack({ stackName: STACK_TOKEN, context: { ...grantContext(tokenGrants, request.env), ...request.context }, ...vaultBuckets }),
  );
  request.editTemplate?.(synthesized.template);
  return { ...synthesized, stackName: request.stackName };
}

/** What {@link loadCopyVaultTemplate} takes. */
export interface CopyVaultTemplateRequest extends Omit<CopyVaultSynthOptions, 'stackName' | 'trustedStackName'> {
  stackName: string;
  /** The Haven stack whose roles the copy vault trusts. */
  trustedStackName: string;
}

/**
 * A copy vault stack's template (infra/copy-vault-stack.ts), cached as the
 * Haven stack's is: synthesized with placeholder stack names.
 */
export async function loadCopyVaultTemplate(request: CopyVaultTemplateRequest): Promise<SynthesizedStack> {
  const trustToken = 'haventrusttoken';
  const { stackName, trustedStackName, ...rest } = request;
  const synthesized = await cachedSynthesis({ copyVault: rest }, [[STACK_TOKEN, stackName], [trustToken, trustedStackName]], async () =>
    (await import('./synth.js')).synthesizeCopyVaultStack({ ...rest, stackName: STACK_TOKEN, trustedStackName: trustToken }),
  );
  return { ...synthesized, stackName };
}

/**
 * A template from the cache entry for `keyMaterial` while the sources are
 * unchanged, else from `synthesize` (then cached), with `substitutions`
 * (placeholder → real name) applied to its text.
 */
async function cachedSynthesis(keyMaterial: unknown, substitutions: ReadonlyArray<[string, string]>, synthesize: () => Promise<SynthesizedStack>): Promise<SynthesizedStack> {
  const key = createHash('sha256').update(JSON.stringify(keyMaterial)).digest('hex').slice(0, 24);
  const file = join(CACHE_DIR, `${key}.json`);
  const digest = inputDigest();
  let entry: CacheEntry | undefined;
  if (existsSync(file)) {
    const read = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    if (read.digest === digest) entry = read;
  }
  if (!entry) {
    const synthesized = await synthesize();
    entry = { digest, template: synthesized.template, definitionAssets: [...synthesized.definitionAssets] };
    mkdirSync(CACHE_DIR, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, file);
  }
  const substitute = (text: string) => substitutions.reduce((out, [token, value]) => out.replaceAll(token, value), text);
  const template = JSON.parse(substitute(JSON.stringify(entry.template))) as CfnTemplate;
  return { stackName: STACK_TOKEN, template, definitionAssets: new Map(entry.definitionAssets.map(([k, v]) => [k, substitute(v)])) };
}

function pick(request: TemplateRequest): Omit<SynthOptions, 'stackName' | 'context'> {
  return {
    ...(request.extend ? { extend: request.extend } : {}),
    ...(request.props ? { props: request.props } : {}),
    ...(request.editTemplate ? { editTemplate: request.editTemplate } : {}),
  };
}
