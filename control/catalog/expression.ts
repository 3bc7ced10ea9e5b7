/**
 * Builds DynamoDB expressions with placeholders for every attribute name
 * (`#n0`) and value (`:v0`), so reserved words (`status`, `duration`) and
 * user values never reach the expression text.
 */

/** The placeholder maps of an expression, ready to spread into a command. */
export interface ExpressionParams {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Accumulates names and values for the expressions of one command. */
export class Expression {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;

  /**
   * @param attribute - an attribute name
   * @returns its placeholder
   */
  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /**
   * @param value - a value
   * @returns its placeholder
   */
  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /**
   * `#a = :v AND #b = :w` for every defined entry.
   *
   * @param fields - attribute → value; undefined values are left out
   * @returns the conjunction, or undefined when no entry is defined
   */
  equals(fields: Record<string, unknown>): string | undefined {
    const terms = definedEntries(fields).map(([k, v]) => `${this.name(k)} = ${this.value(v)}`);
    return terms.length > 0 ? terms.join(' AND ') : undefined;
  }

  /**
   * `#a IN (:v0, :v1)`.
   *
   * @param attribute - the attribute
   * @param values - the values it may hold (at least one)
   * @returns the condition
   */
  oneOf(attribute: string, values: readonly unknown[]): string {
    return `${this.name(attribute)} IN (${values.map((v) => this.value(v)).join(', ')})`;
  }

  /**
   * An update expression.
   *
   * @param set - attribute → value for `SET`; undefined values are left out
   * @param remove - attributes to `REMOVE`
   * @returns `SET … REMOVE …`
   */
  update(set: Record<string, unknown>, remove: readonly string[] = []): string {
    const sets = definedEntries(set).map(([k, v]) => `${this.name(k)} = ${this.value(v)}`);
    const parts = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.map((k) => this.name(k)).join(', ')}` : ''];
    return parts.filter(Boolean).join(' ');
  }

  /** @returns the placeholder maps (left out when empty, as DynamoDB requires) */
  params(): ExpressionParams {
    return {
      ...(this.names.size > 0 ? { ExpressionAttributeNames: Object.fromEntries([...this.names].map(([k, p]) => [p, k])) } : {}),
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}

/**
 * @param fields - any object
 * @returns its entries whose value is not undefined
 */
export function definedEntries(fields: object): Array<[string, unknown]> {
  return Object.entries(fields as Record<string, unknown>).filter(([, v]) => v !== undefined);
}
