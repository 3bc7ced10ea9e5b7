/**
 * The ARNs Haven's deployment settings list: DynamoDB tables and S3 buckets
 * backup jobs may read (and restores may write), the customer-managed KMS
 * keys that encrypt them, and the Secrets Manager secrets of PostgreSQL
 * databases. Each must name exactly one resource: no wildcards, no paths,
 * no keys, no aliases (IAM authorizes a key's use by its key ARN).
 */

/** What kind of resource an ARN names. */
export const SourceKind = { Table: 'table', Bucket: 'bucket', Key: 'key', Secret: 'secret' } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';

/** The exact shape of each kind's ARN. */
export const SOURCE_ARN_PATTERNS: Readonly<Record<SourceKind, RegExp>> = {
  table: new RegExp(`^arn:${PARTITION}:dynamodb:${REGION}:\\d{12}:table/[A-Za-z0-9_.-]{3,255}$`),
  bucket: new RegExp(`^arn:${PARTITION}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`),
  key: new RegExp(`^arn:${PARTITION}:kms:${REGION}:\\d{12}:key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`),
  secret: new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`),
};

/** Each kind in words, and an example ARN. */
const DESCRIPTIONS: Readonly<Record<SourceKind, { what: string; example: string }>> = {
  table: { what: 'DynamoDB table', example: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' },
  bucket: { what: 'S3 bucket', example: 'arn:aws:s3:::my-bucket' },
  key: { what: 'KMS key (key ARN, not an alias)', example: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
  secret: { what: 'Secrets Manager secret', example: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf' },
};

/**
 * Why a list of ARNs is unusable, if it is.
 *
 * @param kind - what the ARNs must name
 * @param arns - the ARNs
 * @returns a one-line description of the first bad ARN, or undefined when all are fine
 */
export function sourceArnsProblem(kind: SourceKind, arns: readonly unknown[]): string | undefined {
  for (const arn of arns) {
    if (typeof arn !== 'string' || !SOURCE_ARN_PATTERNS[kind].test(arn)) {
      const { what, example } = DESCRIPTIONS[kind];
      return `${JSON.stringify(arn)} is not the ARN of one ${what} (like ${example}; no wildcards)`;
    }
  }
  return undefined;
}
