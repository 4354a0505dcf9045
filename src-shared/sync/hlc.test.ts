// Hybrid logical clock: encoding order = HLC order, monotonic ticks, receive dominates, LWW
// converges whatever the arrival order (properties, fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  HLC_MAX_COUNTER, compareHlc, compareHlcText, encodeHlc, hlcReceive, hlcTick, isHlc, lww, parseHlc, type Hlc,
} from './hlc';

const node = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wall: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  counter: fc.integer({ min: 0, max: HLC_MAX_COUNTER }),
  node,
});

describe('hlc', () => {
  it('encodes to fixed-width text and parses back', () => {
    expect(encodeHlc({ wall: 1_700_000_000_000, counter: 35, node: 'desk-1' })).toBe('001700000000000-0000z-desk-1');
    fc.assert(fc.property(hlcArb, (h) => {
      const s = encodeHlc(h);
      expect(isHlc(s)).toBe(true);
      expect(parseHlc(s)).toEqual(h);
    }));
    for (const bad of ['', '1-2-3', '001700000000000-0000z-', '001700000000000-0000Z-x', '01700000000000-0000z-x', '001700000000000-0000z-a b']) {
      expect(isHlc(bad), bad).toBe(false);
      expect(parseHlc(bad)).toBeNull();
    }
    expect(() => encodeHlc({ wall: -1, counter: 0, node: 'x' })).toThrow();
    expect(() => encodeHlc({ wall: 1, counter: 0, node: 'no spaces' })).toThrow();
  });

  it('string order equals HLC order', () => {
    fc.assert(fc.property(hlcArb, hlcArb, (a, b) => {
      expect(compareHlcText(encodeHlc(a), encodeHlc(b))).toBe(compareHlc(a, b));
    }));
  });

  it('ticks are strictly increasing even when the wall clock goes backwards', () => {
    fc.assert(fc.property(node, fc.array(fc.integer({ min: 0, max: 2_000_000_000_000 }), { minLength: 1, maxLength: 50 }), (n, clocks) => {
      let prev: Hlc | null = null;
      for (const now of clocks) {
        const next = hlcTick(prev, n, now);
        if (prev) expect(compareHlc(next, prev)).toBe(1);
        expect(next.wall).toBeGreaterThanOrEqual(now);
        prev = next;
      }
    }));
  });

  it('a received timestamp makes the local clock pass both the local and the remote one', () => {
    fc.assert(fc.property(fc.option(hlcArb, { nil: null }), hlcArb, node, fc.integer({ min: 0, max: 4_102_444_800_000 }), (local, remote, n, now) => {
      fc.pre(remote.wall - now <= 24 * 3600_000);
      const next = hlcReceive(local, remote, n, now);
      if (local) expect(compareHlc(next, { ...local, node: n })).toBe(1);
      expect(next.wall > remote.wall || (next.wall === remote.wall && next.counter > remote.counter)).toBe(true);
      expect(next.node).toBe(n);
    }));
    expect(() => hlcReceive(null, { wall: 10 * 24 * 3600_000, counter: 0, node: 'x' }, 'me', 0)).toThrow(/ahead/);
  });

  it('counter overflow borrows the next millisecond instead of wrapping', () => {
    const h = hlcTick({ wall: 5, counter: HLC_MAX_COUNTER, node: 'a' }, 'a', 5);
    expect(h).toEqual({ wall: 6, counter: 0, node: 'a' });
  });

  it('LWW: every arrival order of the same versions ends with the same winner (commutative, associative, idempotent)', () => {
    const version = fc.record({ hlc: hlcArb.map(encodeHlc), text: fc.string({ maxLength: 8 }) });
    const versions = fc.uniqueArray(version, { minLength: 1, maxLength: 8, selector: (v) => v.hlc });
    fc.assert(fc.property(versions.chain((vs) => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length, maxLength: vs.length }))), ([vs, shuffled]) => {
      const a = vs.reduce((x, y) => lww(x, y));
      const b = shuffled.reduce((x, y) => lww(x, y));
      expect(b).toBe(a);
      expect(a.hlc).toBe([...vs.map((v) => v.hlc)].sort().at(-1));
      expect(lww(a, a)).toBe(a);
    }));
  });

  it('stamps made by different desktops never collide', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 30 }), (steps) => {
      let now = 1_700_000_000_000;
      let a: Hlc | null = null;
      let b: Hlc | null = null;
      const made: Hlc[] = [];
      for (const [onA, dt] of steps) {
        now += dt - 10; // clocks may step back
        if (onA) made.push((a = hlcTick(a, 'A', now)));
        else made.push((b = hlcTick(b, 'B', now)));
      }
      // all stamps are distinct: node ids break ties
      expect(new Set(made.map(encodeHlc)).size).toBe(made.length);
    }));
  });
});
