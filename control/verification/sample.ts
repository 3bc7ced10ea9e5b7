/**
 * Sample rotation. Every pack sits at a fixed point of a ring, `[0, 1)`:
 * the first 32 bits of its id (a SHA-256, so points are uniform) over 2³².
 * A sample run reads the packs in a window of the ring that starts where the
 * previous sample run of the same scope ended (its `result.sample.end`, the
 * stored cursor) and goes clockwise: `percent` of the ring, or packs in ring
 * order until the byte budget is spent (always at least one). Consecutive
 * windows tile the ring, so ⌈100 / percent⌉ runs read every pack at least
 * once, whatever was added meanwhile.
 */

/** A pack as sampling sees it. */
export interface RingPack {
  id: string;
  size: number;
}

/** How much to sample. */
export interface SampleSize {
  percent?: number | null;
  bytes?: number | null;
}

/** The chosen packs and the window `[start, end)` they came from. */
export interface SampleChoice<P extends RingPack> {
  packs: P[];
  start: number;
  end: number;
}

/**
 * @param packId - a pack id (hex)
 * @returns its point on the ring, in `[0, 1)`
 */
export function ringPosition(packId: string): number {
  return Number.parseInt(packId.slice(0, 8), 16) / 2 ** 32;
}

/** Clockwise distance from `start` to `point` on the ring. */
function distance(start: number, point: number): number {
  const d = point - start;
  return d < 0 ? d + 1 : d;
}

/**
 * @param start - a window start
 * @param end - its end
 * @param point - a point
 * @returns whether the window `[start, end)` holds the point (a window with end = start covers the whole ring)
 */
export function windowHolds(start: number, end: number, point: number): boolean {
  if (end === start) return true;
  return distance(start, point) < distance(start, end);
}

/**
 * Chooses the packs of one sample run.
 *
 * @param packs - the packs in scope
 * @param start - the cursor: where the previous run's window ended (0 for the first run)
 * @param size - a percentage of the ring, or a byte budget
 * @returns the packs to read and the window, whose `end` is the next run's cursor
 */
export function choosePackSample<P extends RingPack>(packs: readonly P[], start: number, size: SampleSize): SampleChoice<P> {
  const ordered = [...packs].sort((a, b) => distance(start, ringPosition(a.id)) - distance(start, ringPosition(b.id)) || a.id.localeCompare(b.id));
  if (size.percent !== undefined && size.percent !== null) {
    const share = Math.min(1, size.percent / 100);
    const end = share >= 1 ? start : (start + share) % 1;
    return { packs: ordered.filter((p) => share >= 1 || distance(start, ringPosition(p.id)) < share), start, end };
  }
  const budget = size.bytes ?? 0;
  const chosen: P[] = [];
  let spent = 0;
  for (const pack of ordered) {
    if (chosen.length > 0 && spent + pack.size > budget) {
      return { packs: chosen, start, end: ringPosition(pack.id) };
    }
    chosen.push(pack);
    spent += pack.size;
  }
  return { packs: chosen, start, end: start };
}
