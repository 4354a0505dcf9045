// What reaches sip.js from the PBX's WebSocket, made safe to parse or answered. sip.js drops a
// message it cannot parse without a word: an INVITE whose From display name held a control
// character (its grammar allows none in a quoted string) left the caller ringing until a 408
// ~30 s later, and no pop. So, before sip.js sees a message:
//   - control characters in its head are removed (TAB kept; CRLF line ends kept): the call pops
//     at once, its name cleaned as callerIdentity() cleans it anyway;
//   - an INVITE sip.js still refuses is answered 400 Bad Request at once, built from its own
//     Via/From/To/Call-ID/CSeq lines, so the caller hears a failure instead of silence.
import { Core } from 'sip.js';
import { uuid } from './guard';

/** A character sip.js's grammar refuses in a header (C0 controls but TAB, and DEL). */
function refused(c: number): boolean {
  return (c <= 0x1f && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
}

/**
 * The message with control characters removed from its head (bare CR or LF too: only CRLF ends
 * a line). The same string when there are none (the usual case: one scan, no copy).
 */
export function sanitizeHead(message: string): string {
  const end = message.indexOf('\r\n\r\n');
  const headEnd = end < 0 ? message.length : end;
  let out = '';
  let run = 0;
  for (let i = 0; i < headEnd; i++) {
    const c = message.charCodeAt(i);
    const bare = (c === 0x0d && message.charCodeAt(i + 1) !== 0x0a) || (c === 0x0a && message.charCodeAt(i - 1) !== 0x0d);
    if (!refused(c) && !bare) continue;
    out += message.slice(run, i);
    run = i + 1;
  }
  return run === 0 ? message : out + message.slice(run);
}

const REPLY_HEADERS: Record<string, string> = { v: 'via', via: 'via', f: 'from', from: 'from', t: 'to', to: 'to', i: 'call-id', 'call-id': 'call-id', cseq: 'cseq' };

/** A stateless 400 for a request, from its own header lines; null when it lacks one of them. */
export function badRequestFor(message: string): string | null {
  if (!message.startsWith('INVITE ')) return null;
  const end = message.indexOf('\r\n\r\n');
  const lines = message.slice(0, end < 0 ? message.length : end).split('\r\n').slice(1);
  const vias: string[] = [];
  const one: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = REPLY_HEADERS[line.slice(0, colon).trim().toLowerCase()];
    if (!name) continue;
    const value = line.slice(colon + 1).trim();
    if (name === 'via') vias.push(`Via: ${value}`);
    else one[name] ??= value;
  }
  if (!vias.length || !one.from || !one.to || !one['call-id'] || !one.cseq) return null;
  const to = one.to.slice(one.to.lastIndexOf('>') + 1).toLowerCase().includes('tag=') ? one.to : `${one.to};tag=${uuid().replace(/-/g, '').slice(0, 16)}`;
  return [
    'SIP/2.0 400 Bad Request',
    ...vias,
    `From: ${one.from}`,
    `To: ${to}`,
    `Call-ID: ${one['call-id']}`,
    `CSeq: ${one.cseq}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

// sip.js parses through its Parser namespace object at call time: watching it tells whether the
// message just delivered was dropped as unparsable (sip.js says so only in its log).
const WATCHED = Symbol.for('pronto.parseWatch');
let lastRefused: string | null = null;

function watchParser(): void {
  const p = Core.Parser as unknown as { parseMessage: typeof Core.Parser.parseMessage; [WATCHED]?: boolean };
  if (p[WATCHED]) return;
  const original = p.parseMessage;
  p.parseMessage = (data, logger) => {
    const m = original(data, logger);
    if (!m) lastRefused = data;
    return m;
  };
  p[WATCHED] = true;
}

export interface GuardedTransport {
  onMessage?: (message: string) => void;
  send(message: string): Promise<void>;
}

/**
 * Wraps `deliver` (sip.js's own onMessage): sanitised messages in; a 400 out for an INVITE sip.js
 * dropped. `inspect` sees the sanitised text first (the early lookup).
 */
export function guardIncoming(transport: GuardedTransport, deliver: (message: string) => void, inspect: (message: string) => void = () => {}): (message: string) => void {
  watchParser();
  return (message: string) => {
    const clean = sanitizeHead(message);
    inspect(clean);
    lastRefused = null;
    deliver.call(transport, clean);
    if (lastRefused !== clean) return;
    lastRefused = null;
    const reply = badRequestFor(clean);
    if (reply) void transport.send(reply).catch(() => {});
  };
}
