/**
 * cdk-nag wiring. cdk-nag 3 runs as a CDK policy-validation plugin (it
 * replaced v2's Aspect): findings fail `cdk synth`, and rules are
 * acknowledged per construct with `Validations.of(c).acknowledge()`.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// Not re-exported from the package root; the same function cdk-nag uses to name IAM5 findings.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct, IConstruct } from 'constructs';

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

/**
 * The id of the IAM5 finding cdk-nag reports for a resource ARN containing a
 * wildcard, e.g. `AwsSolutions-IAM5[Resource::<VaultBucket1234.Arn>/vault/*]`
 * (tokens flattened to `<LogicalId.Attribute>` as cdk-nag does).
 *
 * @param scope - any construct in the ARN's stack
 * @param arn - the ARN (may hold tokens)
 * @returns the finding id
 */
export function wildcardResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/**
 * Acknowledges the IAM5 findings of scoped wildcard resource ARNs (an object
 * prefix, a table's indexes) on one construct, with one reason.
 *
 * @param scope - the narrowest construct holding the statements (a role)
 * @param arns - the wildcard ARNs
 * @param reason - one line saying why the wildcard is scoped enough
 */
export function acknowledgeWildcardResources(scope: IConstruct, arns: readonly string[], reason: string): void {
  for (const arn of arns) Validations.of(scope).acknowledge({ id: wildcardResourceFinding(scope, arn), reason });
}
