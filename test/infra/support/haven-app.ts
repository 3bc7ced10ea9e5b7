/**
 * Builds Haven's stack the way `cdk synth` does (same cdk.json context,
 * same cdk-nag pack), so infra tests assert on what would deploy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { AwsSolutionsChecks } from 'cdk-nag';
import { HavenStack, type HavenStackProps } from '../../../infra/haven-stack.js';
import { readHavenContext } from '../../../infra/config.js';
import { applyHavenChecks } from '../../../infra/nag.js';
import { REPO_ROOT } from '../../../infra/paths.js';

/** The account and region tests synthesize for (the CLI always resolves a region). */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' } as const;

/** Options of {@link synthHaven}. */
export interface SynthOptions {
  /** Extra context, as with `cdk synth -c key=value`. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Run esbuild for the functions (slower); otherwise bundling is skipped. @default false */
  readonly bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation schema validation as `cdk synth` does
   * (about 10 s on first use per process). @default false
   */
  readonly cfnValidation?: boolean;
  /** Adds to the stack before it is synthesized (e.g. a grant under test). */
  readonly extend?: (stack: HavenStack) => void;
  /** Stack props on top of those read from context. */
  readonly props?: Partial<HavenStackProps>;
}

/** What {@link synthHaven} returns. */
export interface SynthResult {
  readonly app: App;
  readonly stack: HavenStack;
  readonly template: Template;
  readonly nag: AwsSolutionsChecks;
}

/**
 * The `context` block of the repository's cdk.json (feature flags and CLI settings).
 *
 * @returns the context map
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the Haven stack once, as app.ts does.
 *
 * @param options - extra context and whether to bundle
 * @returns the app, the stack, its template and the registered cdk-nag pack
 */
export function synthHaven(options: SynthOptions = {}): SynthResult {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...options.context };
  // An empty bundling-stacks list makes NodejsFunction skip esbuild.
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context, builtinCloudFormationValidation: options.cfnValidation ?? false });
  const stack = new HavenStack(app, 'Haven', { ...readHavenContext(app.node), ...options.props, env: TEST_ENV });
  options.extend?.(stack);
  const nag = applyHavenChecks(app);
  const template = Template.fromStack(stack);
  return { app, stack, template, nag };
}
