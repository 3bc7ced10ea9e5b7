/**
 * Secrets Manager operations → the authorizations AWS makes (the Secrets
 * Manager part of Haven's operation map). `SecretId` may be an ARN or a
 * name; a name is resolved against the secrets the world knows (AWS resolves
 * it to the full ARN with its random suffix), else it stands as
 * `secret:<name>`.
 */
import { Arn, isArn } from '../arns.js';
import { KmsUseKind, secretKms } from './on-behalf.js';
import { authorization, optional, required, type OperationInput, type OperationRule, type ServiceRules } from './rule.js';

/** The ARN of the secret a `SecretId` names. */
function secretArn(input: OperationInput): string {
  const id = required(input, 'SecretId');
  if (isArn(id)) return id;
  const prefix = Arn.secret(input.scope, id);
  for (const known of input.world.secretKeys.keys()) if (known.startsWith(`${prefix}-`) && known.length === prefix.length + 7) return known;
  return prefix;
}

const onSecret =
  (action: string): OperationRule =>
  (input) => [authorization(action, secretArn(input), { 'secretsmanager:SecretId': secretArn(input) })];

/** The Secrets Manager entries of the operation map. */
export const SECRETSMANAGER_RULES: ServiceRules = {
  GetSecretValue: (input) => {
    const arn = secretArn(input);
    return [
      authorization('secretsmanager:GetSecretValue', arn, {
        'secretsmanager:SecretId': arn,
        'secretsmanager:VersionId': optional(input, 'VersionId'),
        'secretsmanager:VersionStage': optional(input, 'VersionStage'),
      }),
      ...secretKms(input, arn, KmsUseKind.Decrypt),
    ];
  },
  PutSecretValue: (input) => [...onSecret('secretsmanager:PutSecretValue')(input), ...secretKms(input, secretArn(input), KmsUseKind.GenerateDataKey)],
  DescribeSecret: onSecret('secretsmanager:DescribeSecret'),
  DeleteSecret: onSecret('secretsmanager:DeleteSecret'),
  CreateSecret: (input) => [authorization('secretsmanager:CreateSecret', Arn.secret(input.scope, required(input, 'Name')))],
  ListSecrets: () => [authorization('secretsmanager:ListSecrets', '*')],
};
