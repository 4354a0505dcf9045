// Hostile INVITEs through the renderer's pop path, per INVITE: the early reader (readRawInvite,
// on the raw text), sip.js's parse (with the hoisted grammar the softphone installs) and
// callerIdentity of the headers sip.js parsed. Target: ≤ 2 ms per INVITE on this machine kind
// (the old URI regex took ~600 ms for a few crafted 8 KB headers). The property tests assert only
// a generous linear bound; this measures, for every INVITE generated (up to ~64 KB) and for those
// the PBX edge lets through (≤ 8 KB). One JSON line last.
//   npm run bench:identity -- [--invites 2000] [--seed 21]
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { Core } from 'sip.js';
import { callerIdentity } from '../src-shared/telephony/identity';
import { readRawInvite } from '../src-renderer/telephony/earlyInvite';
import { installFastGrammar } from '../src-renderer/telephony/fastGrammar';
import { headersOf } from '../src-renderer/telephony/sipMessages';
import { adversarialHeaders, adversarialHeadersOf, inviteText, KNOWN_WORST } from '../test-support/telephony/adversarial-invite';

const { values } = parseArgs({ options: { invites: { type: 'string', default: '2000' }, seed: { type: 'string', default: '21' } } });
const count = Math.max(1, Number(values.invites));
const seed = Number(values.seed);
const log = (l: string): void => console.error(l);

installFastGrammar();
const loggers = new Core.LoggerFactory();
loggers.builtinEnabled = false; // sip.js logs every header it refuses
const logger = loggers.getLogger('bench');
// half as large as a header may be (up to ~64 KB an INVITE), half the size the PBX edge lets through
const invites = [
  ...KNOWN_WORST,
  ...fc.sample(adversarialHeaders, { numRuns: Math.ceil(count / 2), seed }),
  ...fc.sample(adversarialHeadersOf(900), { numRuns: Math.floor(count / 2), seed: seed + 1 }),
].map((h, i) => inviteText(h, `adv-${i}@127.0.0.1`));
log(`${invites.length} hostile INVITEs, ${Math.round(invites.reduce((n, s) => n + s.length, 0) / invites.length)} bytes on average`);

const early: number[] = [];
const parse: number[] = [];
const identity: number[] = [];
const total: number[] = [];
const ours: number[] = [];
/** Per-INVITE cost of the ones the PBX edge lets through (≤ EDGE_MAX_MSG bytes, deploy/kamailio/edge.cfg). */
const edgeTotal: number[] = [];
const EDGE_MAX_MSG = 8192;
let unparsed = 0;
// Each INVITE runs 4 times: the first warms the JIT up, the least of the other 3 is its cost (a
// GC pause or a busy core only ever adds).
for (const raw of invites) {
  const best = [Infinity, Infinity, Infinity, Infinity];
  let parsed = true;
  for (let round = 0; round < 4; round++) {
    const t0 = performance.now();
    readRawInvite(raw);
    const t1 = performance.now();
    const msg = Core.Parser.parseMessage(raw, logger) as Core.IncomingRequestMessage | undefined;
    const t2 = performance.now();
    if (msg) {
      const { headers, ruri } = headersOf(msg);
      callerIdentity(headers, ruri);
    }
    const t3 = performance.now();
    parsed = Boolean(msg);
    if (round === 0) continue;
    best[0] = Math.min(best[0]!, t1 - t0);
    best[1] = Math.min(best[1]!, t2 - t1);
    best[2] = Math.min(best[2]!, t3 - t2);
    best[3] = Math.min(best[3]!, t3 - t0);
  }
  if (!parsed) unparsed++;
  early.push(best[0]!);
  parse.push(best[1]!);
  identity.push(best[2]!);
  total.push(best[3]!);
  ours.push(best[0]! + best[2]!);
  if (Buffer.byteLength(raw) <= EDGE_MAX_MSG) edgeTotal.push(best[3]!);
}

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 1000) / 1000;
};
const row = (xs: number[]) => ({ p50_ms: q(xs, 0.5), p99_ms: q(xs, 0.99), max_ms: q(xs, 1) });
const out = {
  bench: 'identity',
  invites: invites.length,
  seed,
  target_ms: 2,
  within_target: q(total, 1) <= 2,
  pronto_within_target: q(ours, 1) <= 2,
  per_invite: row(total),
  // early reader + callerIdentity: Pronto's own code on the pop path, without sip.js's parse
  pronto_code: row(ours),
  early_reader: row(early),
  sipjs_parse: row(parse),
  caller_identity: row(identity),
  sipjs_refused: unparsed,
  // what reaches an agent through the PBX: the edge refuses longer requests with 513
  through_edge: { invites: edgeTotal.length, ...(edgeTotal.length ? row(edgeTotal) : {}), within_target: edgeTotal.length ? q(edgeTotal, 1) <= 2 : null },
};
console.log(JSON.stringify(out));
