// The pop's host round trip starts when an INVITE's bytes arrive, before sip.js parses them.
// sip.js spends ~3 ms on an INVITE here before onInvite runs (header grammar, transaction,
// 100 Trying), and onInvite is a task of its own that waits behind whatever else the renderer
// does (other calls' messages, a frame). Reading the few identity headers from the raw text takes
// microseconds, so the lookup is in flight during all of that.
//
// Only a lookup: nothing is recorded. onInvite still sends incomingCall (which records the call)
// once sip.js has accepted the INVITE, so a message sip.js drops leaves no trace, and it uses the
// early answer only when its own reading of the identity agrees.
import { callerIdentity, type InviteHeaders } from '../../src-shared/telephony/identity';

/** The headers callerIdentity() reads (the softphone reads the same ones from sip.js's message). */
export const IDENTITY_HEADERS = ['From', 'To', 'P-Asserted-Identity', 'Remote-Party-ID', 'Privacy', 'Diversion', 'History-Info', 'X-Pronto-Line'] as const;

const WANTED = new Set(IDENTITY_HEADERS.map((n) => n.toLowerCase()));

/** Compact header forms (RFC 3261 §7.3.3) among the ones read here. */
const COMPACT: Record<string, string> = { f: 'from', t: 'to', i: 'call-id' };
const MAX_HEAD = 16_384;

export interface RawInvite {
  callId: string;
  /** callerIdentity() of the raw headers. */
  identity: string;
  withheld: boolean;
}

/**
 * A new dialog's INVITE read from the raw message: its Call-ID and who calls. null for anything
 * else (responses, other methods, re-INVITEs inside a dialog, messages without a Call-ID).
 */
export function readRawInvite(message: string): RawInvite | null {
  if (typeof message !== 'string' || !message.startsWith('INVITE ')) return null;
  const end = message.indexOf('\r\n\r\n');
  const head = message.slice(0, end < 0 ? Math.min(message.length, MAX_HEAD) : Math.min(end, MAX_HEAD));
  const lines = head.split('\r\n');
  const ruri = lines[0]!.split(' ')[1] ?? '';
  const headers: Record<string, string[]> = {};
  let callId = '';
  let last: string[] | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // folded continuation of the previous header
      if (last && last.length) last[last.length - 1] += ` ${line.trim()}`;
      continue;
    }
    last = null;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    if (name === 'call-id') callId = value;
    if (!WANTED.has(name)) continue;
    last = headers[name] ??= [];
    last.push(value);
  }
  if (!callId) return null;
  // a To tag: a re-INVITE inside a dialog, not a new call
  if (headers.to?.some((v) => /;\s*tag\s*=/i.test(v.slice(v.lastIndexOf('>') + 1)))) return null;
  const who = callerIdentity(headers as InviteHeaders, ruri);
  return { callId, identity: who.identity, withheld: who.withheld };
}

interface Early<T> {
  identity: string;
  at: number;
  promise: Promise<T>;
}

const KEEP_MS = 10_000;
const MAX = 500;

/** Early lookups by Call-ID, taken once by onInvite; the rest expire. */
export class EarlyLookups<T> {
  private readonly byCall = new Map<string, Early<T>>();

  /** Starts `lookup` for a raw INVITE unless one is already under way for its Call-ID (a retransmission). */
  start(raw: RawInvite, at: number, lookup: () => Promise<T>): void {
    if (raw.withheld || !raw.identity || this.byCall.has(raw.callId)) return;
    this.sweep(at);
    const promise = lookup();
    promise.catch(() => {}); // onInvite falls back to incomingCall's answer
    this.byCall.set(raw.callId, { identity: raw.identity, at, promise });
  }

  /** The early lookup of this call when it looked up the same identity, and when it started. */
  take(callId: string, identity: string): { promise: Promise<T>; at: number } | null {
    const e = this.byCall.get(callId);
    if (!e) return null;
    this.byCall.delete(callId);
    return e.identity === identity ? { promise: e.promise, at: e.at } : null;
  }

  get size(): number {
    return this.byCall.size;
  }

  private sweep(now: number): void {
    for (const [id, e] of this.byCall) {
      if (now - e.at < KEEP_MS && this.byCall.size < MAX) break;
      this.byCall.delete(id);
    }
  }
}
