/**
 * cdk-nag wiring. cdk-nag 3 runs as a CDK policy-validation plugin (it
 * replaced v2's Aspect): findings fail `cdk synth`, and rules are
 * acknowledged per construct with `Validations.of(c).acknowledge()`.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';

/**
 * Registers the AWS Solutions rule pack on an app or stage, so every synth is checked.
 *
 * @param scope - the App (or a Stage)
 * @returns the registered pack, which tests can also run directly with `validateScope`
 */
export function applyHavenChecks(scope: Construct): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks(scope, { verbose: true });
  Validations.of(scope).addPlugins(pack);
  return pack;
}
