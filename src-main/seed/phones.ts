// Phone numbers as people write them, per country, that libphonenumber (max metadata) accepts as
// valid. Numbers are never checked per row: every block below (national prefix + allowed leading
// digits + fixed number of free digits) was checked against `toE164` over its whole range
// (generate.test.ts re-checks samples of each block and every number of the test data set).
// Uniqueness is structural: each block hands out subscriber numbers from a counter through a
// keyed permutation, and the blocks of a country are prefix-free with a fixed length each.
import { Permutation, hashString, mix32, type Rng, cumulative } from './rng';

export type Country = 'IT' | 'DE' | 'FR' | 'ES' | 'GB' | 'US' | 'CH' | 'AT' | 'NL';
export type LineKind = 'fixed' | 'mobile';

export interface Block {
  country: Country;
  kind: LineKind;
  /** National prefix as dialled at home, trunk 0 included where the country has one ("02", "0171", "347", "91", "212"). */
  prefix: string;
  /** Allowed leading digit strings of the subscriber part (all of the same length). */
  leads: readonly string[];
  /** Free digits after the lead. */
  rest: number;
  weight: number;
}

const D2_9 = ['2', '3', '4', '5', '6', '7', '8', '9'];
const D1_9 = ['1', ...D2_9];
const D0_9 = ['0', ...D1_9];

function b(country: Country, kind: LineKind, prefix: string, leads: readonly string[], rest: number, weight = 1): Block {
  return { country, kind, prefix, leads, rest, weight };
}

function range2(from: number, to: number, except: number[] = []): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) if (!except.includes(i)) out.push(String(i).padStart(2, '0'));
  return out;
}

/** US exchanges NXX without N11, 555, 950, 958, 959, 976. */
const US_EXCHANGES: string[] = (() => {
  const out: string[] = [];
  for (let x = 200; x <= 999; x++) {
    const s = String(x);
    if (s.slice(1) === '11' || [555, 950, 958, 959, 976].includes(x)) continue;
    out.push(s);
  }
  return out;
})();

const IT_MOBILE = ['320', '324', '328', '329', '331', '333', '335', '338', '339', '340', '342', '345', '347', '348', '349', '351', '366', '380', '388', '389', '392', '393'];
const DE_MOBILE8 = ['0151', '0152', '0157', '0176'];
const DE_MOBILE7 = ['0160', '0170', '0171', '0172', '0173', '0174', '0175', '0177', '0178', '0179'];

/** Pools of blocks, drawn by weight. Fixed-line pools follow geography (IT regions, Swiss languages). */
export const POOLS: Record<string, Block[]> = {
  'IT:fixed:Nord-Ovest': [b('IT', 'fixed', '02', D2_9, 7, 5), b('IT', 'fixed', '011', D2_9, 6, 2), b('IT', 'fixed', '010', D2_9, 6, 1), b('IT', 'fixed', '031', D2_9, 6, 0.6), b('IT', 'fixed', '035', D2_9, 6, 0.8)],
  'IT:fixed:Nord-Est': [b('IT', 'fixed', '041', D2_9, 6, 1), b('IT', 'fixed', '045', D2_9, 6, 1), b('IT', 'fixed', '049', D2_9, 6, 1), b('IT', 'fixed', '051', D2_9, 6, 1.5), b('IT', 'fixed', '040', D2_9, 6, 0.6), b('IT', 'fixed', '0471', D2_9, 5, 0.4)],
  'IT:fixed:Centro': [b('IT', 'fixed', '06', D2_9, 7, 4), b('IT', 'fixed', '055', D2_9, 6, 1.5), b('IT', 'fixed', '075', D2_9, 6, 0.5), b('IT', 'fixed', '071', D2_9, 6, 0.5)],
  'IT:fixed:Sud': [b('IT', 'fixed', '081', D2_9, 6, 2), b('IT', 'fixed', '080', D2_9, 6, 1.2), b('IT', 'fixed', '089', D2_9, 6, 0.6), b('IT', 'fixed', '0961', D2_9, 5, 0.3)],
  'IT:fixed:Isole': [b('IT', 'fixed', '091', D2_9, 6, 1), b('IT', 'fixed', '095', D2_9, 6, 1), b('IT', 'fixed', '070', D2_9, 6, 0.8), b('IT', 'fixed', '079', D2_9, 6, 0.4)],
  'IT:mobile': IT_MOBILE.map((p) => b('IT', 'mobile', p, D0_9, 6)),
  'DE:fixed': [b('DE', 'fixed', '030', D2_9, 6, 4), b('DE', 'fixed', '040', D2_9, 7, 2.5), b('DE', 'fixed', '089', D2_9, 7, 2.5), b('DE', 'fixed', '069', D2_9, 7, 1.5), b('DE', 'fixed', '0221', D2_9, 6, 1.5), b('DE', 'fixed', '0211', D2_9, 6, 1), b('DE', 'fixed', '0711', D2_9, 6, 1), b('DE', 'fixed', '0341', D2_9, 6, 0.7), b('DE', 'fixed', '0351', D2_9, 6, 0.7), b('DE', 'fixed', '0511', D2_9, 6, 0.8), b('DE', 'fixed', '0911', D2_9, 6, 0.8)],
  'DE:mobile': [...DE_MOBILE8.map((p) => b('DE', 'mobile', p, D1_9, 7)), ...DE_MOBILE7.map((p) => b('DE', 'mobile', p, D1_9, 6))],
  'AT:fixed': [b('AT', 'fixed', '01', D2_9, 6, 5), b('AT', 'fixed', '0316', D2_9, 5, 1.2), b('AT', 'fixed', '0732', D2_9, 5, 1), b('AT', 'fixed', '0662', D2_9, 5, 0.8), b('AT', 'fixed', '0512', D2_9, 5, 0.7)],
  'AT:mobile': [b('AT', 'mobile', '0664', D1_9, 6, 3), b('AT', 'mobile', '0676', D1_9, 6, 2.5), b('AT', 'mobile', '0650', D1_9, 6, 1.5), b('AT', 'mobile', '0699', D1_9, 7, 1.5), b('AT', 'mobile', '0660', D1_9, 6, 1)],
  'CH:fixed:de': [b('CH', 'fixed', '044', D2_9, 6, 3), b('CH', 'fixed', '031', D2_9, 6, 1.5), b('CH', 'fixed', '061', D2_9, 6, 1.5), b('CH', 'fixed', '041', D2_9, 6, 1)],
  'CH:fixed:fr': [b('CH', 'fixed', '022', D2_9, 6, 1.5), b('CH', 'fixed', '021', D2_9, 6, 1.2)],
  'CH:fixed:it': [b('CH', 'fixed', '091', D2_9, 6)],
  'CH:mobile': ['076', '077', '078', '079'].map((p) => b('CH', 'mobile', p, D1_9, 6, p === '079' ? 2 : 1)),
  'FR:fixed': [b('FR', 'fixed', '01', D2_9, 7, 3.5), b('FR', 'fixed', '02', ['2', '3', '4', '5', '7', '8', '9'], 7, 1.5), b('FR', 'fixed', '03', D2_9, 7, 1.5), b('FR', 'fixed', '04', D2_9, 7, 2), b('FR', 'fixed', '05', ['2', '3', '4', '5', '6', '7', '8'], 7, 1.5)],
  'FR:mobile': [b('FR', 'mobile', '06', ['0', '1', '2', '4', '5', '6', '7', '8'], 7, 3), b('FR', 'mobile', '07', ['5', '6', '7', '8'], 7, 1)],
  'ES:fixed': [b('ES', 'fixed', '91', D2_9, 6, 3), b('ES', 'fixed', '93', D2_9, 6, 2.5), b('ES', 'fixed', '96', D2_9, 6, 1.2), b('ES', 'fixed', '95', D2_9, 6, 1.2), b('ES', 'fixed', '94', D2_9, 6, 0.8), b('ES', 'fixed', '976', D2_9, 5, 0.5)],
  'ES:mobile': [b('ES', 'mobile', '6', D0_9, 7)],
  'GB:fixed': [b('GB', 'fixed', '020', ['3', '7', '8'], 7, 4), b('GB', 'fixed', '0161', D2_9, 6, 1.2), b('GB', 'fixed', '0121', ['2', '3', '4', '5', '6', '7'], 6, 1.2), b('GB', 'fixed', '0141', D2_9, 6, 0.8), b('GB', 'fixed', '0131', ['2', '3', '4', '5', '6', '7', '8'], 6, 0.7), b('GB', 'fixed', '0113', ['2', '3', '4', '5'], 6, 0.7), b('GB', 'fixed', '0117', ['2', '3', '4', '9'], 6, 0.6)],
  'GB:mobile': [b('GB', 'mobile', '07', [...range2(40, 59), ...range2(71, 89), '90', ...range2(92, 99)], 7)],
  'US:fixed': ['212', '646', '718', '917', '312', '773', '415', '650', '213', '310', '617', '202', '305', '404', '713', '214', '512', '206', '303', '602'].map((p) => b('US', 'fixed', p, US_EXCHANGES, 4)),
  'NL:fixed': [b('NL', 'fixed', '020', D2_9, 6, 3), b('NL', 'fixed', '010', D2_9, 6, 2), b('NL', 'fixed', '070', D2_9, 6, 1.5), b('NL', 'fixed', '030', D2_9, 6, 1.5), b('NL', 'fixed', '040', D2_9, 6, 1), b('NL', 'fixed', '050', D2_9, 6, 0.8)],
  'NL:mobile': [b('NL', 'mobile', '06', ['1', '2', '3', '4', '5'], 7)],
};
// In the US fixed and mobile numbers share the same ranges.
POOLS['US:mobile'] = POOLS['US:fixed']!;

/** The fixed-line pool of a customer: Italian sales region, Swiss language, or the country. */
export function fixedPoolKey(country: Country, sub: string): string {
  if (country === 'IT') return `IT:fixed:${sub}`;
  if (country === 'CH') return `CH:fixed:${sub}`;
  return `${country}:fixed`;
}

interface BlockState {
  block: Block;
  size: number;
  restMod: number;
  perm: Permutation;
  next: number;
}

export interface PoolState {
  key: string;
  blocks: BlockState[];
  cum: Float64Array;
}

/** Hands out unique numbers (as national prefix + subscriber digits) from the pools. */
export class PhoneBook {
  private pools = new Map<string, PoolState>();
  private readonly states = new Map<Block, BlockState>();

  constructor(seed: number) {
    for (const [key, blocks] of Object.entries(POOLS)) {
      const states = blocks.map((block) => {
        let st = this.states.get(block);
        if (!st) {
          const restMod = 10 ** block.rest;
          const size = block.leads.length * restMod;
          const key32 = mix32((seed >>> 0) ^ hashString(`${block.country}:${block.prefix}`));
          st = { block, size, restMod, perm: new Permutation(size, key32), next: 0 };
          this.states.set(block, st);
        }
        return st;
      });
      this.pools.set(key, { key, blocks: states, cum: cumulative(blocks.map((x) => x.weight)) });
    }
  }

  /** The pool of that key ("IT:mobile", "IT:fixed:Centro"…), to pass to `draw`. */
  pool(key: string): PoolState {
    const pool = this.pools.get(key);
    if (!pool) throw new Error(`unknown phone pool ${key}`);
    return pool;
  }

  private single = new Map<Block, PoolState>();
  /** A pool of just this block (same counter as everywhere): further lines in the same city. */
  blockPool(block: Block): PoolState {
    let pool = this.single.get(block);
    if (!pool) {
      const st = this.states.get(block);
      if (!st) throw new Error(`unknown phone block ${block.country} ${block.prefix}`);
      pool = { key: `${block.country}:${block.prefix}`, blocks: [st], cum: cumulative([1]) };
      this.single.set(block, pool);
    }
    return pool;
  }

  /** A never-issued number from the pool: [block, subscriber digits]. */
  draw(pool: PoolState, rng: Rng): [Block, string] {
    let i = pool.blocks.length === 1 ? 0 : rng.weighted(pool.cum);
    for (let tries = 0; tries < pool.blocks.length; tries++) {
      const st = pool.blocks[i]!;
      if (st.next < st.size) {
        const x = st.perm.apply(st.next++);
        const q = Math.floor(x / st.restMod);
        const lead = st.block.leads[q]!;
        const digits = String(x - q * st.restMod + st.restMod).slice(1);
        return [st.block, lead + digits];
      }
      i = (i + 1) % pool.blocks.length;
    }
    throw new Error(`phone number space of ${pool.key} exhausted`);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing habits. Each formatter gets the national prefix (with trunk 0) and the subscriber digits.

type Fmt = (p: string, s: string) => string;

/** Splits digits into groups of the given sizes; the last group takes what is left. */
function g(s: string, ...sizes: number[]): string {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    if (i >= s.length) break;
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  return out.join(' ');
}
function halves(s: string, sep = ' '): string {
  const h = Math.floor(s.length / 2);
  return s.slice(0, h) + sep + s.slice(h);
}
const noTrunk = (p: string): string => (p.startsWith('0') ? p.slice(1) : p);
const pairs = (s: string): string => s.replace(/(\d\d)(?=\d)/g, '$1 ');

interface Habits {
  fixed: [Fmt, number][];
  mobile: [Fmt, number][];
}

const HABITS: Record<Country, Habits> = {
  IT: {
    fixed: [
      [(p, s) => `${p} ${halves(s)}`, 5],
      [(p, s) => p + s, 3],
      [(p, s) => `+39 ${p} ${halves(s)}`, 2],
      [(p, s) => `${p}-${halves(s, '-')}`, 1],
      [(p, s) => `${p}/${s}`, 1],
      [(p, s) => `0039 ${p} ${s}`, 0.7],
      [(p, s) => `+39 ${p}${s}`, 0.8],
    ],
    mobile: [
      [(p, s) => `${p} ${g(s, 3)}`, 5],
      [(p, s) => p + s, 3],
      [(p, s) => `+39 ${p} ${g(s, 3)}`, 2.5],
      [(p, s) => `${p}.${s.slice(0, 3)}.${s.slice(3)}`, 0.8],
      [(p, s) => `+39${p}${s}`, 1],
      [(p, s) => `${p}-${s}`, 0.8],
      [(p, s) => `0039 ${p} ${s}`, 0.6],
      [(p, s) => `${p} ${s}`, 1.5],
    ],
  },
  DE: {
    fixed: [
      [(p, s) => `${p} ${s}`, 5],
      [(p, s) => `+49 (0)${noTrunk(p)} ${s}`, 1.5],
      [(p, s) => `${p}/${s}`, 2],
      [(p, s) => `+49 ${noTrunk(p)} ${s}`, 2],
      [(p, s) => `(${p}) ${s}`, 1],
      [(p, s) => `0049 ${noTrunk(p)} ${s}`, 0.8],
      [(p, s) => `${p}-${s}`, 0.7],
    ],
    mobile: [
      [(p, s) => `${p} ${s}`, 5],
      [(p, s) => `+49 ${noTrunk(p)} ${s}`, 2.5],
      [(p, s) => `${p}/${s}`, 1.5],
      [(p, s) => `+49 (0)${noTrunk(p)} ${s}`, 1],
      [(p, s) => p + s, 1.5],
      [(p, s) => `0049 ${noTrunk(p)} ${s}`, 0.5],
      [(p, s) => `${p} ${g(s, 3)}`, 1],
    ],
  },
  AT: {
    fixed: [
      [(p, s) => `${p} ${s}`, 4],
      [(p, s) => `${p}/${s}`, 2.5],
      [(p, s) => `+43 ${noTrunk(p)} ${s}`, 2],
      [(p, s) => `+43 (0)${noTrunk(p)} ${s}`, 1],
      [(p, s) => `0043 ${noTrunk(p)} ${s}`, 0.7],
    ],
    mobile: [
      [(p, s) => `${p} ${s}`, 4],
      [(p, s) => `+43 ${noTrunk(p)} ${s}`, 2.5],
      [(p, s) => `${p}/${s}`, 1.5],
      [(p, s) => p + s, 1],
      [(p, s) => `0043 ${noTrunk(p)} ${s}`, 0.5],
    ],
  },
  CH: {
    fixed: [
      [(p, s) => `${p} ${g(s, 3, 2)}`, 5],
      [(p, s) => `+41 ${noTrunk(p)} ${g(s, 3, 2)}`, 2.5],
      [(p, s) => `0041 ${noTrunk(p)} ${g(s, 3, 2)}`, 0.8],
      [(p, s) => p + s, 1],
      [(p, s) => `+41 (0)${noTrunk(p)} ${g(s, 3, 2)}`, 0.7],
    ],
    mobile: [
      [(p, s) => `${p} ${g(s, 3, 2)}`, 5],
      [(p, s) => `+41 ${noTrunk(p)} ${g(s, 3, 2)}`, 2.5],
      [(p, s) => p + s, 1],
      [(p, s) => `0041 ${noTrunk(p)} ${s}`, 0.5],
    ],
  },
  FR: {
    fixed: [
      [(p, s) => `${p} ${pairs(s)}`, 5],
      [(p, s) => `${p}.${pairs(s).replace(/ /g, '.')}`, 1.5],
      [(p, s) => p + s, 1.5],
      [(p, s) => `+33 ${noTrunk(p)} ${pairs(s)}`, 2],
      [(p, s) => `+33 (0)${noTrunk(p)} ${pairs(s)}`, 0.8],
      [(p, s) => `0033 ${noTrunk(p)} ${pairs(s)}`, 0.6],
    ],
    mobile: [
      [(p, s) => `${p} ${pairs(s)}`, 5],
      [(p, s) => `${p}.${pairs(s).replace(/ /g, '.')}`, 1],
      [(p, s) => p + s, 1.5],
      [(p, s) => `+33 ${noTrunk(p)} ${pairs(s)}`, 2.5],
      [(p, s) => `+33${noTrunk(p)}${s}`, 0.8],
      [(p, s) => `0033 ${noTrunk(p)} ${pairs(s)}`, 0.5],
    ],
  },
  ES: {
    fixed: [
      [(p, s) => (p.length === 2 ? `${p} ${g(s, 3, 2)}` : `${p} ${g(s, 2, 2)}`), 4],
      [(p, s) => g(p + s, 3, 2, 2), 2],
      [(p, s) => p + s, 1.5],
      [(p, s) => `+34 ${g(p + s, 3, 3)}`, 2],
      [(p, s) => `+34 ${p} ${g(s, 3, 2)}`, 0.8],
      [(p, s) => `0034 ${p}${s}`, 0.5],
      [(p, s) => g(p + s, 3, 3), 1.5],
    ],
    mobile: [
      [(p, s) => g(p + s, 3, 2, 2), 4],
      [(p, s) => g(p + s, 3, 3), 3],
      [(p, s) => `+34 ${g(p + s, 3, 3)}`, 2.5],
      [(p, s) => p + s, 1.5],
      [(p, s) => `+34 ${g(p + s, 3, 2, 2)}`, 0.8],
      [(p, s) => `0034 ${g(p + s, 3, 3)}`, 0.5],
    ],
  },
  GB: {
    fixed: [
      [(p, s) => `${p} ${p.length === 3 ? g(s, 4) : g(s, 3)}`, 5],
      [(p, s) => `+44 ${noTrunk(p)} ${p.length === 3 ? g(s, 4) : g(s, 3)}`, 2],
      [(p, s) => `(${p}) ${p.length === 3 ? g(s, 4) : g(s, 3)}`, 1.2],
      [(p, s) => p + s, 1.2],
      [(p, s) => `+44 (0)${noTrunk(p)} ${p.length === 3 ? g(s, 4) : g(s, 3)}`, 1],
      [(p, s) => `0044 ${noTrunk(p)} ${s}`, 0.5],
    ],
    mobile: [
      [(p, s) => `${p}${s.slice(0, 3)} ${s.slice(3)}`, 5],
      [(p, s) => `+44 ${noTrunk(p)}${s.slice(0, 3)} ${s.slice(3)}`, 2.5],
      [(p, s) => p + s, 1.5],
      [(p, s) => `+44 (0)${noTrunk(p)}${s.slice(0, 3)} ${s.slice(3)}`, 0.8],
      [(p, s) => `${p}${s.slice(0, 3)} ${g(s.slice(3), 3)}`, 1],
      [(p, s) => `0044 ${noTrunk(p)}${s}`, 0.4],
    ],
  },
  US: {
    fixed: [
      [(p, s) => `(${p}) ${s.slice(0, 3)}-${s.slice(3)}`, 5],
      [(p, s) => `${p}-${s.slice(0, 3)}-${s.slice(3)}`, 3],
      [(p, s) => `${p}.${s.slice(0, 3)}.${s.slice(3)}`, 1],
      [(p, s) => `+1 ${p} ${s.slice(0, 3)} ${s.slice(3)}`, 1.5],
      [(p, s) => `+1 (${p}) ${s.slice(0, 3)}-${s.slice(3)}`, 1],
      [(p, s) => `1-${p}-${s.slice(0, 3)}-${s.slice(3)}`, 0.8],
      [(p, s) => p + s, 1],
      [(p, s) => `001 ${p} ${s.slice(0, 3)} ${s.slice(3)}`, 0.3],
    ],
    mobile: [],
  },
  NL: {
    fixed: [
      [(p, s) => `${p} ${g(s, 3)}`, 4],
      [(p, s) => `${p}-${s}`, 2],
      [(p, s) => `+31 ${noTrunk(p)} ${g(s, 3)}`, 2],
      [(p, s) => `0031 ${noTrunk(p)} ${s}`, 0.5],
      [(p, s) => `(${p}) ${g(s, 3, 2)}`, 0.8],
      [(p, s) => p + s, 1],
    ],
    mobile: [
      [(p, s) => `${p} ${s}`, 4],
      [(p, s) => `${p}-${s}`, 2.5],
      [(p, s) => `+31 ${noTrunk(p)} ${s}`, 2],
      [(p, s) => `+31 ${noTrunk(p)} ${g(s, 4)}`, 1],
      [(p, s) => p + s, 1],
      [(p, s) => `${p} ${g(s, 4)}`, 1],
    ],
  },
};
HABITS.US.mobile = HABITS.US.fixed;

interface CompiledHabits {
  fns: Fmt[];
  cum: Float64Array;
}
const COMPILED = new Map<string, CompiledHabits>();
for (const [country, h] of Object.entries(HABITS)) {
  for (const kind of ['fixed', 'mobile'] as const) {
    COMPILED.set(`${country}:${kind}`, { fns: h[kind].map((x) => x[0]), cum: cumulative(h[kind].map((x) => x[1])) });
  }
}

const BY_BLOCK = new Map<Block, CompiledHabits>();
function habitsOf(block: Block): CompiledHabits {
  let h = BY_BLOCK.get(block);
  if (!h) {
    h = COMPILED.get(`${block.country}:${block.kind}`)!;
    BY_BLOCK.set(block, h);
  }
  return h;
}

/** Every way a number of this block may be written (for tests). */
export function allFormats(block: Block, sub: string): string[] {
  return habitsOf(block).fns.map((f) => f(block.prefix, sub));
}

/** The number written in one of the habits of its country, drawn by weight. */
export function formatPhone(block: Block, sub: string, rng: Rng): string {
  const h = habitsOf(block);
  return h.fns[rng.weighted(h.cum)]!(block.prefix, sub);
}
