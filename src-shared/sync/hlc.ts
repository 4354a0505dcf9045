// Hybrid logical clock (Kulkarni et al., 2014): wall-clock milliseconds + a counter + the node
// id. Timestamps made by one node are strictly increasing even if its clock steps back, a node
// that has seen a timestamp only makes larger ones, and two different nodes never make the same
// one (node id breaks ties). Pure: the caller passes "now", so it is testable and replayable.
//
// String form (what crosses the wire and is stored): "WWWWWWWWWWWWWWW-CCCCC-node"
//   W = wall ms, 15 decimal digits, zero-padded; C = counter, 5 base-36 digits; node = [A-Za-z0-9_.-]{1,64}
// Fixed widths make plain string comparison equal to HLC order, so PostgreSQL and SQLite can
// compare them with `<` / ORDER BY as well.

export interface Hlc {
  /** Milliseconds since the epoch (the physical part). */
  wall: number;
  /** Logical counter within the same wall millisecond. */
  counter: number;
  /** Who made it (a desktop install id). */
  node: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 5;
export const HLC_MAX_COUNTER = 36 ** COUNTER_DIGITS - 1;
const NODE = /^[A-Za-z0-9_.-]{1,64}$/;
const HLC_TEXT = /^(\d{15})-([0-9a-z]{5})-([A-Za-z0-9_.-]{1,64})$/;

export class HlcError extends Error {}

export function isHlcNode(node: string): boolean {
  return NODE.test(node);
}

export function encodeHlc(h: Hlc): string {
  if (!Number.isSafeInteger(h.wall) || h.wall < 0 || h.wall >= 10 ** WALL_DIGITS) throw new HlcError(`bad wall time ${h.wall}`);
  if (!Number.isInteger(h.counter) || h.counter < 0 || h.counter > HLC_MAX_COUNTER) throw new HlcError(`bad counter ${h.counter}`);
  if (!NODE.test(h.node)) throw new HlcError(`bad node id "${h.node}"`);
  return `${String(h.wall).padStart(WALL_DIGITS, '0')}-${h.counter.toString(36).padStart(COUNTER_DIGITS, '0')}-${h.node}`;
}

export function parseHlc(text: string): Hlc | null {
  const m = HLC_TEXT.exec(text);
  if (!m) return null;
  return { wall: Number(m[1]), counter: parseInt(m[2]!, 36), node: m[3]! };
}

export function isHlc(text: string): boolean {
  return HLC_TEXT.test(text);
}

/** Total order: wall, then counter, then node id. */
export function compareHlc(a: Hlc, b: Hlc): -1 | 0 | 1 {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return 0;
}

/** Compares two encoded HLCs (plain string order, which the encoding makes equal to HLC order). */
export function compareHlcText(a: string, b: string): -1 | 0 | 1 {
  return a === b ? 0 : a < b ? -1 : 1;
}

function bump(wall: number, counter: number, node: string): Hlc {
  // Counter overflow (more than 60M events in one millisecond) borrows the next millisecond.
  return counter > HLC_MAX_COUNTER ? { wall: wall + 1, counter: 0, node } : { wall, counter, node };
}

/** A new local timestamp (for a local event or a message about to be sent). */
export function hlcTick(prev: Hlc | null, node: string, nowMs: number): Hlc {
  const now = Math.floor(nowMs);
  if (!prev || now > prev.wall) return { wall: now, counter: 0, node };
  return bump(prev.wall, prev.counter + 1, node);
}

export interface ReceiveOptions {
  /** Refuse remote timestamps further than this ahead of our clock (ms); default 24 h. */
  maxDriftMs?: number;
}

/** Merges a received timestamp: the result is larger than both `local` and `remote`. */
export function hlcReceive(local: Hlc | null, remote: Hlc, node: string, nowMs: number, opts: ReceiveOptions = {}): Hlc {
  const now = Math.floor(nowMs);
  const maxDrift = opts.maxDriftMs ?? 24 * 3600_000;
  if (remote.wall - now > maxDrift) throw new HlcError(`remote clock is ${remote.wall - now} ms ahead (limit ${maxDrift})`);
  const lw = local?.wall ?? -1;
  const wall = Math.max(lw, remote.wall, now);
  let counter: number;
  if (wall === lw && wall === remote.wall) counter = Math.max(local!.counter, remote.counter) + 1;
  else if (wall === lw) counter = local!.counter + 1;
  else if (wall === remote.wall) counter = remote.counter + 1;
  else counter = 0;
  return bump(wall, counter, node);
}

/**
 * Last-writer-wins between two versions of one record: the larger HLC wins. Equal HLCs (the
 * same write seen twice) resolve to `a`. Deterministic, commutative and associative on the HLC,
 * so every replica ends with the same winner whatever order the versions arrive in.
 */
export function lww<T extends { hlc: string }>(a: T, b: T): T {
  return compareHlcText(b.hlc, a.hlc) > 0 ? b : a;
}
