/**
 * What the workflow steps that talk to databases (the PostgreSQL source and
 * restore target) get, and only they: `secretsmanager:GetSecretValue` on
 * exactly the listed secrets, and optionally a place in the customer's VPC
 * (subnets and security groups from props) with the network-interface
 * permissions Lambda needs there. See docs/POSTGRES.md.
 */
import { Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InvalidPropsError } from '../errors.js';
import type { HavenFunction } from './haven-function.js';

/** Databases the workflows may reach. */
export interface DatabaseAccess {
  /** Secrets Manager secrets (exact ARNs) that jobs and restores may name in `secret_arn`. */
  readonly secretArns: readonly string[];
  /** The VPC the database steps run in. @default not in a VPC */
  readonly vpc?: ec2.IVpc;
  /** Subnets of `vpc` (private ones: the steps reach AWS through endpoints or NAT). @default the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups of the database steps (the database's must admit them). @default one new group per function */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * Checks the access settings.
 * @throws InvalidPropsError for a secret ARN that is not one exact secret, or subnets or groups without a VPC
 */
export function validateDatabaseAccess(access: DatabaseAccess): void {
  const bad = access.secretArns.filter((arn) => !SECRET_ARN.test(arn) || arn.includes('*'));
  if (bad.length > 0) throw new InvalidPropsError(`database secret ARNs must name exact secrets, got ${bad.join(', ')}`);
  if (!access.vpc && (access.vpcSubnets || access.securityGroups)) throw new InvalidPropsError('database vpcSubnets and securityGroups need a vpc');
}

/** Lets one function read the listed secrets, and use the network interfaces of its VPC placement. */
export function grantDatabaseAccess(fn: HavenFunction, access: DatabaseAccess): void {
  if (access.secretArns.length > 0) {
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...access.secretArns] }));
  }
  if (access.vpc) {
    // What AWSLambdaVPCAccessExecutionRole grants; these EC2 actions take no resource-level scope.
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }),
    );
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda in a VPC manages its network interfaces; these EC2 actions support no resource-level scope (the AWSLambdaVPCAccessExecutionRole actions).',
    });
  }
}
