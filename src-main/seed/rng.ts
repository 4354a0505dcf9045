// Seeded randomness for the demo feeds: sfc32 (fast, 128-bit state, passes PractRand) seeded
// through a murmur-style mixer, plus a keyed bijection for "unique but random-looking" numbers.
// Never Math.random: the same seed must give the same bytes.

/** 32-bit finaliser (murmur3 fmix32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Stable 32-bit hash of a string (FNV-1a then mixed). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** One independent stream per (seed, name): "customers", "purchases"… */
  constructor(seed: number, stream: string) {
    const h = hashString(stream);
    this.a = mix32((seed >>> 0) ^ 0x9e3779b9);
    this.b = mix32(h ^ 0x243f6a88);
    this.c = mix32(((seed / 0x100000000) >>> 0) ^ h ^ 0xb7e15162);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Index drawn from a cumulative weight table (see `cumulative`). */
  weighted(cum: Float64Array): number {
    const x = this.float() * cum[cum.length - 1]!;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Geometric number of failures before a success with probability p (mean (1-p)/p). */
  geometric(p: number): number {
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    out[i] = s;
  }
  return out;
}

/**
 * A keyed permutation of [0, n): a 4-round Feistel network on the smallest even number of bits
 * that covers n, with cycle-walking. Counter 0, 1, 2… → distinct, scattered values, so phone
 * numbers are unique by construction instead of by a giant Set.
 */
export class Permutation {
  private readonly half: number;
  private readonly mask: number;
  private readonly keys: number[];

  constructor(readonly n: number, key: number) {
    if (!(n >= 1 && n <= 2 ** 40)) throw new RangeError(`Permutation size ${n} out of range`);
    let bits = Math.max(2, Math.ceil(Math.log2(n)));
    if (bits % 2) bits++;
    this.half = bits / 2;
    this.mask = 2 ** this.half - 1;
    this.keys = [0, 1, 2, 3].map((i) => mix32(key ^ Math.imul(i + 1, 0x9e3779b9)));
  }

  apply(x: number): number {
    if (x < 0 || x >= this.n) throw new RangeError(`${x} outside [0, ${this.n})`);
    const base = 2 ** this.half;
    do {
      let l = Math.floor(x / base);
      let r = x % base;
      for (let i = 0; i < 4; i++) {
        const f = mix32(r ^ this.keys[i]!) & this.mask;
        const nl = r;
        r = (l ^ f) >>> 0;
        l = nl;
      }
      x = l * base + r;
    } while (x >= this.n);
    return x;
  }
}
