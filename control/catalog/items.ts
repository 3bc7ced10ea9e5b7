/**
 * Item input/output shared by every kind: conditional create, consistent
 * get, conditional update, and the mapping from items to records.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CatalogContext } from './context.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';
import { Expression } from './expression.js';
import { KEY_ATTRIBUTES, primaryKey, type ItemKeys, type KindKeys } from './keys.js';

/** An item as the document client returns it. */
export type Item = Record<string, unknown>;

/** A conditional write that found the item in another state; nothing was written. */
export class ConditionFailed {
  /** @param current - the item as it was (undefined when there is none) */
  constructor(readonly current: Item | undefined) {}
}

/**
 * Turns a failed condition into a {@link ConditionFailed}; rethrows anything else.
 *
 * @param error - what the write threw
 * @returns the item the condition was checked against
 */
export function conditionFailure(error: unknown): ConditionFailed {
  if (error instanceof ConditionalCheckFailedException) return new ConditionFailed(error.Item ? unmarshall(error.Item) : undefined);
  throw error;
}

/**
 * @param item - an item
 * @returns the record it holds, without key attributes
 */
export function toRecord<R>(item: Item): R {
  const record: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return record as R;
}

/**
 * Writes a new item, never over an existing one.
 *
 * @param ctx - the catalog
 * @param kind - the record's kind
 * @param id - the record's id
 * @param keys - every key attribute of the item
 * @param record - the record
 * @throws AlreadyExistsError when the id is taken
 */
export async function putNew(ctx: CatalogContext, kind: KindKeys, id: string, keys: ItemKeys, record: object): Promise<void> {
  const e = new Expression();
  try {
    await ctx.doc.send(
      new PutCommand({ TableName: ctx.table, Item: { ...record, ...keys }, ConditionExpression: `attribute_not_exists(${e.name('pk')})`, ...e.params() }),
    );
  } catch (error) {
    conditionFailure(error);
    throw new AlreadyExistsError(kind.kind, id, { cause: error });
  }
}

/**
 * Reads a record (strongly consistent).
 *
 * @param ctx - the catalog
 * @param kind - the kind
 * @param id - the id
 * @returns the record, or undefined when there is none
 */
export async function findRecord<R>(ctx: CatalogContext, kind: KindKeys, id: string): Promise<R | undefined> {
  const out = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: primaryKey(kind, id), ConsistentRead: true }));
  return out.Item ? toRecord<R>(out.Item) : undefined;
}

/**
 * Reads a record that must exist.
 *
 * @param ctx - the catalog
 * @param kind - the kind
 * @param id - the id
 * @returns the record
 * @throws NotFoundError when there is none
 */
export async function getRecord<R>(ctx: CatalogContext, kind: KindKeys, id: string): Promise<R> {
  const record = await findRecord<R>(ctx, kind, id);
  if (!record) throw new NotFoundError(kind.kind, id);
  return record;
}

/** The expressions of one conditional update. */
export interface UpdateSpec {
  update: string;
  condition: string;
}

/**
 * Updates an item only if a condition holds. The condition must fail for a
 * missing item (an update would otherwise create it).
 *
 * @param ctx - the catalog
 * @param kind - the kind
 * @param id - the id
 * @param build - writes the update and condition expressions with the given placeholders
 * @returns the record after the update, or the item as it was when the condition failed
 */
export async function updateIf<R>(ctx: CatalogContext, kind: KindKeys, id: string, build: (e: Expression) => UpdateSpec): Promise<R | ConditionFailed> {
  const e = new Expression();
  const { update, condition } = build(e);
  try {
    const out = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: primaryKey(kind, id),
        UpdateExpression: update,
        ConditionExpression: condition,
        ...e.params(),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toRecord<R>(out.Attributes ?? {});
  } catch (error) {
    return conditionFailure(error);
  }
}
