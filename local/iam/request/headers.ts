/** Reading request headers (Node gives a string, an array for repeated headers, or undefined). */

/** The first value of a lower-case header name, or undefined. */
export function headerValue(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
