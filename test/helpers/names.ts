/** Unique resource names, so tests never collide on the shared emulator. */

/** A unique name with a readable prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
