// Hostile INVITEs for the pop path's parsers (identity.ts, earlyInvite.ts): header values built
// from long runs of the characters SIP parsers branch on (@ < > " \ ; , : =), bidi and control
// characters, and the shapes that made the old URI regex backtrack (a long user part then `@@`).
// Used by the property tests (a generous time bound: linear vs quadratic) and bench/identity.ts
// (the per-INVITE time on this machine).
import fc from 'fast-check';

const TOKENS = ['a', '9', '+', '@', '<', '>', '"', '\\', ';', ',', ' ', ':', '=', '.', '%', 'sip:', 'tel:', 'tag=', 'index=1.', '\u202e', '\u2066', '\u0007'];
const PREFIXES = ['', '<sip:', '"x" <sip:', 'sip:', '<tel:', '"', 'Name <sip:'];
const SUFFIXES = ['', '@@>', '@>', '>', '"', '>;tag=1', '@t>;index=1'];
/** A header value stays under this many characters (Kamailio's edge refuses longer requests). */
export const MAX_VALUE = 8_000;

/** One header value: a prefix, up to five long runs of one token (together up to `max` characters), a suffix. */
export function adversarialValueOf(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...PREFIXES),
      fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.integer({ min: 1, max: Math.max(1, Math.floor(max / 5)) })), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(...SUFFIXES),
    )
    .map(([prefix, runs, suffix]) => prefix + runs.map(([t, n]) => t.repeat(Math.max(1, Math.floor(n / t.length)))).join('') + suffix);
}

export const adversarialValue: fc.Arbitrary<string> = adversarialValueOf(MAX_VALUE);

/** The identity headers the pop reads, each holding a hostile value (or absent). */
export const IDENTITY_HEADER_NAMES = ['From', 'To', 'P-Asserted-Identity', 'Remote-Party-ID', 'Privacy', 'Diversion', 'History-Info', 'X-Pronto-Line'] as const;

/** Hostile identity headers, each value up to `maxValue` characters (From always present). */
export function adversarialHeadersOf(maxValue: number): fc.Arbitrary<Record<string, string>> {
  const value = adversarialValueOf(maxValue);
  return fc.record(
    Object.fromEntries(IDENTITY_HEADER_NAMES.map((n) => [n, value])) as Record<(typeof IDENTITY_HEADER_NAMES)[number], fc.Arbitrary<string>>,
    { requiredKeys: ['From'] },
  );
}

export const adversarialHeaders: fc.Arbitrary<Record<string, string>> = adversarialHeadersOf(MAX_VALUE);

/** The shapes measured in the review (~600 ms for a few 8 KB headers with the old regex). */
export const KNOWN_WORST: Record<string, string>[] = [
  { From: `<sip:${'a'.repeat(MAX_VALUE)}@@>` },
  { From: `"x" <sip:${'9'.repeat(MAX_VALUE)}@@>;tag=1`, 'P-Asserted-Identity': `<sip:${'a'.repeat(MAX_VALUE)}@@>`, 'Remote-Party-ID': `<sip:${'a'.repeat(MAX_VALUE)}@@>`, Diversion: `<sip:${'a'.repeat(MAX_VALUE)}@@>` },
  { 'P-Asserted-Identity': Array.from({ length: 32 }, () => `<sip:${'a'.repeat(240)}@@>`).join(','), From: '<sip:1@t>' },
  { From: `"${'\u202e'.repeat(MAX_VALUE)}" <sip:1@t>` },
  { From: `"${'\\"'.repeat(MAX_VALUE / 2)}" <sip:1@t>` },
];

/** A whole INVITE as it arrives on the agent's WebSocket, carrying `headers`. */
export function inviteText(headers: Record<string, string>, callId = 'adv-1@127.0.0.1'): string {
  const lines = [
    'INVITE sip:1001@127.0.0.1:8080;transport=ws SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK1f2.0;rport',
    'Max-Forwards: 69',
    ...Object.entries(headers).map(([n, v]) => `${n}: ${v.replace(/[\r\n]/g, ' ')}`),
    ...(headers.To === undefined ? ['To: <sip:1001@127.0.0.1>'] : []),
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:caller@127.0.0.1:5070>',
    'Content-Length: 0',
    '',
    '',
  ];
  return lines.join('\r\n');
}

/** The least of `runs` timings of f, in ms: scheduling noise only ever adds. */
export function leastMs(f: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
