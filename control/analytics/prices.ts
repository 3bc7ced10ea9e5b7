/**
 * The S3 storage price table analytics estimates monthly cost with:
 * us-east-1 (N. Virginia) list prices in USD per GB-month (GB = 2^30 bytes,
 * as AWS bills), first tier only (the first 50 TB a month for Standard;
 * larger volumes pay slightly less, so the estimate errs high). Requests,
 * retrieval, minimum durations, KMS calls and transfer are not included.
 *
 * Source: the public price list at https://aws.amazon.com/s3/pricing/
 * (Storage tab, US East (N. Virginia)), recorded in this table on
 * {@link PRICES_AS_OF}. Check it again before trusting an estimate for
 * budgeting; update the table and the date together.
 */

/** When the table was recorded. */
export const PRICES_AS_OF = '2026-11-23';

/** The region the prices are for. */
export const PRICES_REGION = 'us-east-1';

/** The currency. */
export const PRICES_CURRENCY = 'USD';

/** Bytes per billed GB. */
export const BYTES_PER_GB = 2 ** 30;

/** USD per GB-month by S3 storage class (first tier). */
export const S3_STORAGE_PRICES: Readonly<Record<string, number>> = {
  STANDARD: 0.023,
  INTELLIGENT_TIERING: 0.023, // frequent access tier; colder tiers cost less
  STANDARD_IA: 0.0125,
  ONEZONE_IA: 0.01,
  GLACIER_IR: 0.004,
  GLACIER: 0.0036, // Glacier Flexible Retrieval
  DEEP_ARCHIVE: 0.00099,
};

/** The class a destination without `storage_class` is stored in. */
export const DEFAULT_STORAGE_CLASS = 'STANDARD';

/**
 * @param storageClass - an S3 storage class name
 * @returns its price per GB-month, or null when the table has none
 */
export function pricePerGbMonth(storageClass: string): number | null {
  return S3_STORAGE_PRICES[storageClass.toUpperCase()] ?? null;
}

/**
 * @param bytes - stored bytes
 * @param storageClass - their storage class
 * @returns estimated USD per month, to the cent, or null for an unknown class
 */
export function monthlyCost(bytes: number, storageClass: string): number | null {
  const price = pricePerGbMonth(storageClass);
  return price === null ? null : Math.round((bytes / BYTES_PER_GB) * price * 100) / 100;
}
