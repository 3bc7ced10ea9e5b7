/**
 * The ARNs of the DynamoDB tables and S3 buckets backup jobs may read (and
 * restores may write). Each must name exactly one table or bucket: no
 * wildcards, no paths, no keys.
 */

/** What kind of source an ARN names. */
export const SourceKind = { Table: 'table', Bucket: 'bucket' } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';

/** One table (`arn:<partition>:dynamodb:<region>:<account>:table/<name>`) or one bucket (`arn:<partition>:s3:::<bucket>`). */
export const SOURCE_ARN_PATTERNS: Readonly<Record<SourceKind, RegExp>> = {
  table: new RegExp(`^arn:${PARTITION}:dynamodb:${REGION}:\\d{12}:table/[A-Za-z0-9_.-]{3,255}$`),
  bucket: new RegExp(`^arn:${PARTITION}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`),
};

/**
 * Why a list of source ARNs is unusable, if it is.
 *
 * @param kind - tables or buckets
 * @param arns - the ARNs
 * @returns a one-line description of the first bad ARN, or undefined when all are fine
 */
export function sourceArnsProblem(kind: SourceKind, arns: readonly unknown[]): string | undefined {
  for (const arn of arns) {
    if (typeof arn !== 'string' || !SOURCE_ARN_PATTERNS[kind].test(arn)) {
      const example = kind === SourceKind.Table ? 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' : 'arn:aws:s3:::my-bucket';
      return `${JSON.stringify(arn)} is not the ARN of one ${kind === SourceKind.Table ? 'DynamoDB table' : 'S3 bucket'} (like ${example}; no wildcards)`;
    }
  }
  return undefined;
}
