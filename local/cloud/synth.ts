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
import { readHavenContext } from '../../infra/config.js';
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
    const context = { ...cdkJsonContext(), ...options.context, 'aws:cdk:bundling-stacks': [] };
    const app = new App({ context, outdir });
    const stack = new HavenStack(app, stackName, { ...readHavenContext(app.node), ...options.props, env: LOCAL_ENV });
    options.extend?.(stack);
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stackName);
    const template = structuredClone(artifact.template) as CfnTemplate;
    options.editTemplate?.(template);
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
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
