/**
 * Synthesizes Haven's stack in-process, as `cdk synth` does (the same app
 * code, cdk.json's context, and the caller's context on top), with asset
 * bundling skipped: the local cloud runs each function's source entry (the
 * template's `Haven::Entry` metadata), so the bundles do not matter here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import type { ExtraVaultBucket } from '../../infra/constructs/vault-buckets.js';
import type { ObjectLockSettings } from '../../infra/constructs/vault-bucket.js';
import { CopyVaultStack } from '../../infra/copy-vault-stack.js';
import { HavenStack, type HavenStackProps } from '../../infra/haven-stack.js';
import { REPO_ROOT } from '../../infra/paths.js';
import type { CfnTemplate, SynthesizedStack } from './template-types.js';

import { LOCAL_ENV } from './env.js';

/** Options of {@link synthesizeStack}. */
export interface SynthOptions {
  /** The stack's name (its resources' local names derive from it). @default `Haven` */
  stackName?: string;
  /** CDK context on top of cdk.json's, as `cdk synth -c key=value` gives it. */
  context?: Readonly<Record<string, unknown>>;
  /** The deployment's other vault buckets, given as a deployment does: context `haven:vaultBuckets`. */
  vaultBuckets?: readonly ExtraVaultBucket[];
  /** Stack props on top of those read from context (tests only: deployments set context). */
  props?: Partial<HavenStackProps>;
  /** Changes the stack before synthesis (tests remove a grant with it). */
  extend?: (stack: HavenStack) => void;
  /** Edits the synthesized template (tests remove a statement with it). */
  editTemplate?: (template: CfnTemplate) => void;
}

/** cdk.json's `context` block (feature flags and Haven's settings). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the stack and reads its template and state machine definitions.
 *
 * @param options - stack name, context and test hooks
 * @returns the template and its definition assets
 */
export function synthesizeStack(options: SynthOptions = {}): SynthesizedStack {
  const stackName = options.stackName ?? 'Haven';
  const outdir = mkdtempSync(join(tmpdir(), 'haven-synth-'));
  try {
    // An empty bundling-stacks list makes NodejsFunction skip esbuild.
    const vaultBuckets = options.vaultBuckets?.length ? { [HavenContextKey.VaultBuckets]: JSON.stringify(options.vaultBuckets) } : {};
    const context = { ...cdkJsonContext(), ...vaultBuckets, ...options.context, 'aws:cdk:bundling-stacks': [] };
    const app = new App({ context, outdir });
    const stack = new HavenStack(app, stackName, { ...readHavenContext(app.node), ...options.props, env: LOCAL_ENV });
    options.extend?.(stack);
    return assemble(app, stackName, options.editTemplate);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Options of {@link synthesizeCopyVaultStack}. */
export interface CopyVaultSynthOptions {
  stackName: string;
  /** The region it deploys in. */
  region: string;
  /** The Haven stack whose roles it trusts. */
  trustedStackName: string;
  /** Object Lock default retention on its bucket. */
  objectLock?: ObjectLockSettings;
}

/**
 * Synthesizes a copy vault stack (infra/copy-vault-stack.ts) for the local
 * account in another region, trusting the local Haven stack's roles.
 *
 * @param options - names, region and Object Lock
 * @returns its template
 */
export function synthesizeCopyVaultStack(options: CopyVaultSynthOptions): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'haven-synth-'));
  try {
    const app = new App({ context: cdkJsonContext(), outdir });
    new CopyVaultStack(app, options.stackName, {
      env: { account: LOCAL_ENV.account, region: options.region },
      trustedAccount: LOCAL_ENV.account,
      trustedStackName: options.trustedStackName,
      ...(options.objectLock ? { objectLock: options.objectLock } : {}),
    });
    return assemble(app, options.stackName);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes an app and reads one stack's template and state machine definitions. */
function assemble(app: App, stackName: string, editTemplate?: (template: CfnTemplate) => void): SynthesizedStack {
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stackName);
  const template = structuredClone(artifact.template) as CfnTemplate;
  editTemplate?.(template);
  const manifest = JSON.parse(readFileSync(join(assembly.directory, `${artifact.stackName}.assets.json`), 'utf8')) as {
    files?: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const definitionAssets = new Map<string, string>();
  for (const [hash, file] of Object.entries(manifest.files ?? {})) {
    if (file.source.packaging === 'file' && file.source.path.endsWith('.json')) {
      definitionAssets.set(`${hash}.json`, readFileSync(join(assembly.directory, file.source.path), 'utf8'));
    }
  }
  return { stackName, template, definitionAssets };
}
