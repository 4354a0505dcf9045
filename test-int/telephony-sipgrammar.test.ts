// The softphone's hoisted SIP grammar (src-renderer/telephony/vendor/sip-grammar.js) must parse
// exactly like sip.js's own generated parser: same results (same classes), same failures, on
// every start rule, on real messages and on mutated garbage. And it must be much faster.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Core, Grammar } from 'sip.js';
import { parse as hoisted, SIPJS_VERSION } from '../src-renderer/telephony/vendor/sip-grammar.js';
import { installFastGrammar, uninstallFastGrammar } from '../src-renderer/telephony/fastGrammar';

const require = createRequire(import.meta.url);

/** What Grammar.parse answers with this parser: options.data, or -1 on a syntax error. */
function run(parse: (i: string, o: { startRule: string; data?: unknown }) => unknown, input: string, startRule: string): unknown {
  const options: { startRule: string; data?: unknown } = { startRule };
  try {
    parse(input, options);
  } catch {
    options.data = -1;
  }
  return options.data;
}

// sip.js's original parser: Grammar.parse with the fast one uninstalled
const original = (input: string, options: { startRule: string; data?: unknown }): unknown => {
  uninstallFastGrammar();
  options.data = Grammar.parse(input, options.startRule);
  return options.data;
};
const fast = (input: string, options: { startRule: string; data?: unknown }): unknown => hoisted(input, options);

const CORPUS: [string, string][] = [
  ['INVITE sip:k3j4h5@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~41234~5 SIP/2.0', 'Request_Response'],
  ['SIP/2.0 180 Ringing', 'Request_Response'],
  ['SIP/2.0 487 Request Terminated', 'Request_Response'],
  ['CANCEL sip:1001@127.0.0.1:5060 SIP/2.0', 'Request_Response'],
  ['<sip:127.0.0.1:8080;transport=ws;r2=on;lr>', 'Record_Route'],
  ['<sip:127.0.0.1:5060;r2=on;lr>, <sip:10.0.0.1;lr>', 'Record_Route'],
  ['SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bK1f2.0;rport=443;received=10.1.2.3', 'Via'],
  ['SIP/2.0/UDP 127.0.0.1:25080;rport=25080;branch=z9hG4bK-123-1-0', 'Via'],
  ['<sip:0287654321@127.0.0.1:25080>;tag=123SIPpTag001', 'From'],
  ['"Mario \\"Rossi\\"" <sip:+390287654321@trunk.example.com;user=phone>;tag=abc', 'From'],
  ['Anonymous <sip:anonymous@anonymous.invalid>;tag=1', 'From'],
  ['<sip:1001@127.0.0.1:5060>', 'To'],
  ['<sip:600@127.0.0.1>;tag=as6d8f', 'To'],
  ['1-12345@127.0.0.1', 'Call_ID'],
  ['314159 INVITE', 'CSeq'],
  ['<sip:0287654321@127.0.0.1:25080;transport=UDP>', 'Contact'],
  ['"Agent" <sip:abcd@efgh.invalid;transport=ws>;expires=600;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:0b0f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b>"', 'Contact'],
  ['*', 'Contact'],
  ['0', 'Content_Length'],
  ['application/sdp', 'Content_Type'],
  ['multipart/mixed; boundary="abc"', 'Content_Type'],
  ['render;handling=optional', 'Content_Disposition'],
  ['70', 'Max_Forwards'],
  ['"Reception" <sip:+390299990001@pbx.example.com>', 'Name_Addr_Header'],
  ['sip:alice@atlanta.example.com:5061;transport=tls?subject=project%20x&priority=urgent', 'SIP_URI'],
  ['sips:1001@127.0.0.1', 'SIP_URI'],
  ['tel:+390287654321', 'absoluteURI'],
  ['<sip:1002@127.0.0.1?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>', 'Refer_To'],
  ['sip:1002@127.0.0.1', 'Refer_To'],
  ['abc@host;to-tag=1;from-tag=2;early-only', 'Replaces'],
  ['<sip:1001@127.0.0.1>', 'Referred_By'],
  ['Digest realm="pronto.local", nonce="XyZ123", qop="auth", algorithm=MD5', 'WWW_Authenticate'],
  ['Digest realm="pronto.local", nonce="abc", stale=true', 'Proxy_Authenticate'],
  ['refer;id=93809824', 'Event'],
  ['active;expires=60', 'Subscription_State'],
  ['terminated;reason=noresource', 'Subscription_State'],
  ['replaces, outbound, gruu', 'Supported'],
  ['100rel', 'Require'],
  ['1800;refresher=uac', 'Session_Expires'],
  ['90', 'Min_SE'],
  ['SIP/2.0 200 OK', 'sipfrag'],
  ['"quoted \\"string\\""', 'quoted_string'],
  ['Mario Rossi', 'displayName'],
  ['pbx.example.com', 'host'],
  ['[2001:db8::1]', 'host'],
  ['stun:stun.example.com:3478', 'stun_URI'],
  ['turn:turn.example.com?transport=udp', 'turn_URI'],
  ['0b0f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'uuid'],
  // garbage: both must fail the same way
  ['', 'From'],
  ['garbage <<<', 'From'],
  ['"unterminated <sip:1@x', 'From'],
  ['INVITE', 'Request_Response'],
  ['SIP/2.0 99 Too Short', 'Request_Response'],
  ['\u0000\u0001\u00ff', 'Via'],
  ['abc', 'CSeq'],
  ['<sip:1002@127.0.0.1?Replaces=abc;to-tag=1>', 'Refer_To'],
];

describe('hoisted SIP grammar', () => {
  it(`was generated from the installed sip.js (${SIPJS_VERSION})`, () => {
    const pkg = JSON.parse(readFileSync(require.resolve('sip.js/package.json'), 'utf8')) as { version: string };
    expect(SIPJS_VERSION).toBe(pkg.version);
  });

  it('the corpus has valid and invalid inputs for every start rule used by sip.js', () => {
    const valid = CORPUS.filter(([i, r]) => run(original, i, r) !== -1).length;
    expect(valid).toBeGreaterThan(40);
    expect(CORPUS.length - valid).toBeGreaterThan(5);
  });

  for (const [input, rule] of CORPUS) {
    it(`${rule}: ${JSON.stringify(input).slice(0, 60)}`, () => {
      const a = run(original, input, rule);
      const b = run(fast, input, rule);
      expect(b).toStrictEqual(a);
    });
  }

  it('agrees with sip.js on mutated inputs (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CORPUS.filter(([i]) => i.length > 0)),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ';', '<', '>', '"', '@', ':', ' ', '\\', ',', '=', 'x', '%', '\r\n')), { maxLength: 4 }),
        ([input, rule], edits) => {
          let s = input;
          for (const [pos, ch] of edits) {
            const p = pos % (s.length + 1);
            s = s.slice(0, p) + ch + s.slice(p + (ch === '' ? 1 : 0));
          }
          expect(run(fast, s, rule)).toStrictEqual(run(original, s, rule));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('repeated headers (a CANCEL after its INVITE) come from the cache as equal, independent copies', () => {
    const inputs: [string, string][] = [
      ['SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKabc.1;rport', 'Via'],
      ['"Mario" <sip:0287654321@127.0.0.1:25080;user=phone>;tag=123SIPpTag001', 'From'],
      ['<sip:1001@127.0.0.1:5060>', 'To'],
      ['1-123@127.0.0.1', 'Call_ID'],
    ];
    const want = inputs.map(([i, r]) => run(original, i, r));
    installFastGrammar();
    try {
      const g = Grammar as unknown as { parse(i: string, r: string): unknown };
      const first = inputs.map(([i, r]) => g.parse(i, r));
      const again = inputs.map(([i, r]) => g.parse(i, r));
      for (let k = 0; k < inputs.length; k++) {
        expect(first[k], inputs[k]![1]).toStrictEqual(want[k]);
        expect(again[k], inputs[k]![1]).toStrictEqual(want[k]);
        if (typeof want[k] === 'object') expect(again[k]).not.toBe(first[k]);
      }
      // sip.js changing what it got does not reach the next parse of the same text
      const from = again[1] as { setParam(k: string, v: string): void; uri: { user: string } };
      from.setParam('tag', 'changed');
      from.uri.user = 'someone-else';
      expect(g.parse(inputs[1]![0], 'From')).toStrictEqual(want[1]);
      // a syntax error is never cached
      expect(g.parse('not a via', 'Via')).toBe(-1);
      expect(g.parse('not a via', 'Via')).toBe(-1);
    } finally {
      uninstallFastGrammar();
    }
  });

  it('whole messages parse the same through sip.js with the fast grammar installed, and faster', () => {
    const msg = [
      'INVITE sip:k3j4h5@df7jal23ls0d.invalid;transport=ws;alias=127.0.0.1~41234~5 SIP/2.0',
      'Record-Route: <sip:127.0.0.1:8080;transport=ws;r2=on;lr>',
      'Record-Route: <sip:127.0.0.1:5060;r2=on;lr>',
      'Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKabc.1',
      'Via: SIP/2.0/UDP 127.0.0.1:25080;rport=25080;branch=z9hG4bK-123-1-0',
      'Max-Forwards: 69',
      'From: "Mario" <sip:0287654321@127.0.0.1:25080>;tag=123SIPpTag001',
      'To: <sip:1001@127.0.0.1:5060>',
      'Call-ID: 1-123@127.0.0.1',
      'CSeq: 1 INVITE',
      'Contact: <sip:0287654321@127.0.0.1:25080;transport=UDP>',
      'P-Asserted-Identity: <sip:+390287654321@trunk.example.com>',
      'Content-Type: application/sdp',
      'X-Pronto-Line: 1001',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const logger = { log() {}, warn() {}, error() {}, debug() {} } as unknown as Parameters<typeof Core.Parser.parseMessage>[1];
    const time = (n: number) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) Core.Parser.parseMessage(msg, logger);
      return (performance.now() - t) / n;
    };
    uninstallFastGrammar();
    const a = Core.Parser.parseMessage(msg, logger)!;
    time(20);
    const slow = time(60);
    installFastGrammar();
    try {
      const b = Core.Parser.parseMessage(msg, logger)!;
      for (const h of ['from', 'to', 'via', 'contact', 'record-route', 'call-id', 'cseq']) {
        expect(b.parseHeader(h), h).toStrictEqual(a.parseHeader(h));
      }
      expect((b as Core.IncomingRequestMessage).ruri?.toString()).toBe((a as Core.IncomingRequestMessage).ruri?.toString());
      expect((b as Core.IncomingRequestMessage).method).toBe('INVITE');
      time(20);
      const quick = time(60);
      expect(quick * 3, `fast ${quick.toFixed(3)} ms vs sip.js ${slow.toFixed(3)} ms per INVITE`).toBeLessThan(slow);
    } finally {
      uninstallFastGrammar();
    }
  });
});
