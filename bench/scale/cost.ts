/** Prices a case's figures with the dated price table (`prices.ts`). */
import type { ScaleCase } from './cases.js';
import type { CaseFigures } from './model.js';
import { costOf, PRICES } from './prices.js';

/** A case's cost in US dollars, by item. */
export interface CaseCost {
  state_transitions: number;
  lambda_compute: number;
  lambda_requests: number;
  s3_requests: number;
  /** One month of the bytes this backup stored. */
  s3_storage_month: number;
  dynamodb_reads: number;
  /** Everything above: one run plus one month of its new storage. */
  total: number;
}

/** Prices one case. */
export function priceCase(_scale: ScaleCase, f: CaseFigures): CaseCost {
  const s3 = f.s3_requests;
  const parts = {
    state_transitions: costOf(PRICES.stateTransition, f.state_transitions.total),
    lambda_compute: costOf(PRICES.lambdaGbSecond, f.lambda_gb_seconds),
    lambda_requests: costOf(PRICES.lambdaRequest, f.lambda_invocations),
    s3_requests: costOf(PRICES.s3PutListRequest, s3.put + s3.list) + costOf(PRICES.s3GetRequest, s3.get) + costOf(PRICES.s3DeleteRequest, s3.delete),
    s3_storage_month: costOf(PRICES.s3StorageGbMonth, f.stored_bytes / 1e9),
    dynamodb_reads: costOf(PRICES.dynamoDbReadRequestUnit, f.dynamodb_read_units),
  };
  return { ...parts, total: Object.values(parts).reduce((n, v) => n + v, 0) };
}
