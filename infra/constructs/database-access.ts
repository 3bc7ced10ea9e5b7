/**
 * What the workflow steps that talk to databases (the PostgreSQL source and
 * restore target) get, and only they: `secretsmanager:GetSecretValue` on
 * exactly the listed secrets, and optionally a place in the customer's VPC
 * (subnets and security groups from props) with the network-interface
 * permissions Lambda needs there. See docs/POSTGRES.md.
 */
import { Annotations, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';
import { SourceKind, sourceArnsProblem } from '../source-arns.js';
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

/**
 * {@link DatabaseAccess} by ARN and ids, as CDK context gives it (see
 * `infra/config.ts`): the VPC is referenced, never looked up, so synth stays
 * offline.
 */
export interface DatabaseAccessIds {
  /** Secrets Manager secrets (exact ARNs) jobs and restores may name. */
  readonly secretArns: readonly string[];
  /** The VPC the database steps run in (`vpc-…`). @default not in a VPC */
  readonly vpcId?: string;
  /** Its subnets the steps use (`subnet-…`); required with `vpcId`. */
  readonly subnetIds?: readonly string[];
  /** Security groups of the steps (`sg-…`). @default one new group per function */
  readonly securityGroupIds?: readonly string[];
}

/** The shape of each id {@link DatabaseAccessIds} takes. */
export const NETWORK_ID_PATTERNS = {
  vpcId: /^vpc-[0-9a-f]{8,17}$/,
  subnetIds: /^subnet-[0-9a-f]{8,17}$/,
  securityGroupIds: /^sg-[0-9a-f]{8,17}$/,
} as const;

/** What is wrong with database access by ids, and in which field. */
export interface DatabaseAccessIdsProblem {
  readonly field: keyof DatabaseAccessIds;
  readonly message: string;
}

/**
 * Why database access by ids is unusable, if it is.
 *
 * @param ids - the settings
 * @returns the first problem (its field and one line), or undefined
 */
export function databaseAccessIdsProblem(ids: DatabaseAccessIds): DatabaseAccessIdsProblem | undefined {
  const secrets = sourceArnsProblem(SourceKind.Secret, ids.secretArns);
  if (secrets) return { field: 'secretArns', message: secrets };
  if (ids.vpcId !== undefined && !NETWORK_ID_PATTERNS.vpcId.test(ids.vpcId)) return { field: 'vpcId', message: `${JSON.stringify(ids.vpcId)} is not a VPC id (vpc-…)` };
  const badSubnet = ids.subnetIds?.find((id) => !NETWORK_ID_PATTERNS.subnetIds.test(id));
  if (badSubnet !== undefined) return { field: 'subnetIds', message: `${JSON.stringify(badSubnet)} is not a subnet id (subnet-…)` };
  const badGroup = ids.securityGroupIds?.find((id) => !NETWORK_ID_PATTERNS.securityGroupIds.test(id));
  if (badGroup !== undefined) return { field: 'securityGroupIds', message: `${JSON.stringify(badGroup)} is not a security group id (sg-…)` };
  if (ids.vpcId !== undefined && !ids.subnetIds?.length) return { field: 'subnetIds', message: 'a VPC needs the subnets the database steps use' };
  if (ids.vpcId === undefined && (ids.subnetIds?.length || ids.securityGroupIds?.length)) return { field: 'vpcId', message: 'subnets and security groups need the VPC they belong to' };
  return undefined;
}

/**
 * Builds {@link DatabaseAccess} from ids: the VPC, subnets and security
 * groups are imported by id (nothing is looked up or created but, without
 * groups, one security group per function).
 *
 * @param scope - where the imported references live
 * @param id - the construct id of their scope
 * @param ids - the settings
 * @returns the access
 * @throws InvalidPropsError when an id is malformed or a VPC has no subnets
 */
export function databaseAccessFromIds(scope: Construct, id: string, ids: DatabaseAccessIds): DatabaseAccess {
  const problem = databaseAccessIdsProblem(ids);
  if (problem) throw new InvalidPropsError(`database access ${problem.field}: ${problem.message}`);
  if (ids.vpcId === undefined) return { secretArns: [...ids.secretArns] };
  const network = new Construct(scope, id);
  // The subnets are named explicitly, so the VPC's own subnet lists and zones are never consulted:
  // it is imported with none (CDK wants at least one zone name; it appears nowhere in the template).
  const vpc = ec2.Vpc.fromVpcAttributes(network, 'Vpc', { vpcId: ids.vpcId, availabilityZones: ['unused'] });
  const subnets = (ids.subnetIds ?? []).map((subnetId) => {
    const subnet = ec2.Subnet.fromSubnetId(network, subnetId, subnetId);
    Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'Lambda takes the subnet ids only; the routes are the VPC owner\'s.');
    return subnet;
  });
  const securityGroups = ids.securityGroupIds?.map((groupId) => ec2.SecurityGroup.fromSecurityGroupId(network, groupId, groupId));
  return { secretArns: [...ids.secretArns], vpc, vpcSubnets: { subnets }, ...(securityGroups?.length ? { securityGroups } : {}) };
}

/**
 * Checks the access settings.
 * @throws InvalidPropsError for a secret ARN that is not one exact secret, or subnets or groups without a VPC
 */
export function validateDatabaseAccess(access: DatabaseAccess): void {
  const problem = sourceArnsProblem(SourceKind.Secret, access.secretArns);
  if (problem) throw new InvalidPropsError(`database secret ARNs must name exact secrets: ${problem}`);
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
