// sip.js parses every SIP header with a PEG parser that rebuilds its tables on each call (~9 ms
// per INVITE on the main thread, ~20 ms per ringing call). vendor/sip-grammar.js is the same
// parser with its tables built once; installing it swaps Grammar.parse (sip.js calls it through
// the namespace object, at call time). Equivalence: e2e/telephony-sipgrammar.test.ts.
import { Grammar } from 'sip.js';
import { parse as hoistedParse } from './vendor/sip-grammar.js';

type ParseFn = (input: string, startRule: string) => unknown;
const INSTALLED = Symbol.for('pronto.sipGrammar');

export function installFastGrammar(): boolean {
  const g = Grammar as unknown as { parse: ParseFn; [INSTALLED]?: ParseFn };
  if (g[INSTALLED]) return true;
  const original = g.parse;
  if (typeof original !== 'function') return false;
  const fast: ParseFn = (input, startRule) => {
    const options: { startRule: string; data?: unknown } = { startRule };
    try {
      hoistedParse(input, options);
    } catch (err) {
      // a parse inside a parse (not expected): the original handles it
      if (err instanceof Error && err.message === 'sip-grammar: re-entrant parse') return original(input, startRule);
      options.data = -1;
    }
    return options.data;
  };
  g.parse = fast;
  g[INSTALLED] = original;
  return true;
}

/** Back to sip.js's own parser (tests). */
export function uninstallFastGrammar(): void {
  const g = Grammar as unknown as { parse: ParseFn; [INSTALLED]?: ParseFn };
  const original = g[INSTALLED];
  if (original) {
    g.parse = original;
    delete g[INSTALLED];
  }
}
