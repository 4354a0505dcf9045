// Reading what sip.js hands us, defensively: a header it cannot parse must cost that header,
// never the call.
import type { Core } from 'sip.js';
import type { InviteHeaders } from '../../src-shared/telephony/identity';
import { IDENTITY_HEADERS } from './earlyInvite';

/** Raw header values of an incoming request, for callerIdentity (never throws). */
export function headersOf(req: Core.IncomingRequestMessage): { headers: InviteHeaders; ruri: string } {
  const headers: Record<string, string[]> = {};
  for (const name of IDENTITY_HEADERS) {
    try {
      const values = req.getHeaders(name);
      if (values.length) headers[name] = values;
    } catch {
      /* header unreadable: skip it */
    }
  }
  let ruri = '';
  try {
    ruri = req.ruri ? String(req.ruri) : '';
  } catch {
    ruri = '';
  }
  return { headers, ruri };
}

export function safeHeader(req: Core.IncomingRequestMessage, name: string): string {
  try {
    return req.getHeader(name) ?? '';
  } catch {
    return '';
  }
}

/** "486 Busy Here": what the card shows for a rejected request. */
export function statusText(response: Core.IncomingResponse): string {
  return `${response.message.statusCode} ${response.message.reasonPhrase ?? ''}`.trim();
}

/** Status code of a message/sipfrag body ("SIP/2.0 200 OK"), 0 if none. */
export function sipfragStatus(body: string | undefined): number {
  const m = /SIP\/2\.0\s+(\d{3})/.exec(body ?? '');
  return m ? Number(m[1]) : 0;
}
