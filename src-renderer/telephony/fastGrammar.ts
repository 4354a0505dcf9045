// sip.js parses every SIP header with a PEG parser that rebuilds its tables on each call (~9 ms
// per INVITE on the main thread, ~20 ms per ringing call). vendor/sip-grammar.js is the same
// parser with its tables built once; installing it swaps Grammar.parse (sip.js calls it through
// the namespace object, at call time). Equivalence: test-int/telephony-sipgrammar.test.ts.
import { Grammar } from 'sip.js';
import { parse as hoistedParse } from './vendor/sip-grammar.js';

type ParseFn = (input: string, startRule: string) => unknown;

// A call's CANCEL and ACK repeat its INVITE's Via, From, To and Call-ID headers word for word:
// their parses are kept (a few hundred, oldest out first) and handed out as copies, since sip.js
// may change what it is given.
const REPEATED = new Set(['Via', 'From', 'To', 'Call_ID']);
const SEEN_MAX = 512;
const seen = new Map<string, unknown>();

/** A deep copy with the same classes (NameAddrHeader, URI) and own fields as the parse result. */
function copyParsed<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyParsed) as T;
  const out = Object.create(Object.getPrototypeOf(v) as object) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = copyParsed((v as Record<string, unknown>)[k]);
  return out as T;
}
const INSTALLED = Symbol.for('pronto.sipGrammar');

export function installFastGrammar(): boolean {
  const g = Grammar as unknown as { parse: ParseFn; [INSTALLED]?: ParseFn };
  if (g[INSTALLED]) return true;
  const original = g.parse;
  if (typeof original !== 'function') return false;
  const fast: ParseFn = (input, startRule) => {
    const key = REPEATED.has(startRule) ? `${startRule}\n${input}` : null;
    if (key !== null) {
      const hit = seen.get(key);
      if (hit !== undefined) return copyParsed(hit);
    }
    const options: { startRule: string; data?: unknown } = { startRule };
    try {
      hoistedParse(input, options);
    } catch (err) {
      // a parse inside a parse (not expected): the original handles it
      if (err instanceof Error && err.message === 'sip-grammar: re-entrant parse') return original(input, startRule);
      options.data = -1;
    }
    if (key !== null && options.data !== undefined && options.data !== -1) {
      if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value!);
      seen.set(key, copyParsed(options.data));
    }
    return options.data;
  };
  g.parse = fast;
  g[INSTALLED] = original;
  return true;
}

/** Back to sip.js's own parser (tests). */
export function uninstallFastGrammar(): void {
  seen.clear();
  const g = Grammar as unknown as { parse: ParseFn; [INSTALLED]?: ParseFn };
  const original = g[INSTALLED];
  if (original) {
    g.parse = original;
    delete g[INSTALLED];
  }
}
