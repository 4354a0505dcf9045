// Why a call could not be answered or placed, in words an agent (and the call history) can use.
// sip.js hands us whatever the browser threw (an SDP error, a getUserMedia refusal) or the far
// end's final response; this file turns that into a kind (the card's translated sentence), one
// short line of English (what `calls` records) and, for an answer we could not give, the SIP
// status that says so honestly: 488 for an offer we cannot accept (RFC 3261 §21.4.26), not the
// 480 "Temporarily Unavailable" sip.js sends for every failure.
import { SessionState, type Invitation } from 'sip.js';
import { failureReasonText } from '../../src-shared/telephony/calls';

export type FailureKind =
  /** The offer is plain RTP (no DTLS-SRTP): a carrier call that no media bridge anchored. */
  | 'no-dtls'
  /** The offer has no ICE credentials. */
  | 'no-ice'
  /** No audio codec the browser can use (e.g. G.729 only). */
  | 'codec'
  /** Any other offer the browser refused. */
  | 'offer'
  | 'mic-denied'
  | 'no-mic'
  | 'mic-busy'
  /** The audio connection could not be established (ICE / DTLS). */
  | 'connection'
  /** The far end refused an outbound call's media (488, 415, 606): the detail is its status line. */
  | 'refused'
  | 'other';

export interface CallFailure {
  kind: FailureKind;
  /** One line, bounded: the browser's or the far end's own words (shown for 'refused' and 'other'). */
  detail: string;
}

/** Longest detail kept on a card (the recorded reason is bounded by FAILURE_REASON_MAX). */
const DETAIL_MAX = 160;

const ENGLISH: Record<FailureKind, string> = {
  'no-dtls': "the caller's audio offer has no DTLS fingerprint (plain RTP: a media bridge is needed)",
  'no-ice': "the caller's audio offer has no ICE credentials",
  codec: 'no audio codec in common with the other side',
  offer: "the other side's audio offer could not be accepted",
  'mic-denied': 'microphone access was denied',
  'no-mic': 'no microphone was found',
  'mic-busy': 'the microphone could not be started (in use by another application?)',
  connection: 'the audio connection could not be established',
  refused: 'the other side refused the call',
  other: 'the softphone could not connect the call',
};

/** The kinds where the offer itself was the problem: answered with 488 Not Acceptable Here. */
const OFFER_KINDS: ReadonlySet<FailureKind> = new Set(['no-dtls', 'no-ice', 'codec', 'offer']);

function nameOf(err: unknown): string {
  return err && typeof err === 'object' && 'name' in err && typeof err.name === 'string' ? err.name : '';
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
  return typeof err === 'string' ? err : '';
}

/** The browser's words without its boilerplate ("Failed to execute 'x' on 'RTCPeerConnection': …"). */
function browserWords(message: string): string {
  return message
    .replace(/^(SessionDescriptionHandler\.\w+ failed - )/, '')
    .replace(/Failed to execute '\w+' on '\w+':\s*/g, '')
    .replace(/Failed to set remote (offer|answer) sdp:\s*/gi, '')
    .trim();
}

/** What went wrong when the softphone answered (accept) or placed (invite) a call. */
export function callFailure(err: unknown): CallFailure {
  const name = nameOf(err);
  const message = messageOf(err);
  const detail = failureReasonText(browserWords(message) || message || name || 'unknown error', DETAIL_MAX);
  const kind: FailureKind =
    /fingerprint/i.test(message) ? 'no-dtls'
    : /ice-ufrag|ice-pwd|without ice/i.test(message) ? 'no-ice'
    : /codec|payload type|no (common|supported) (audio )?format/i.test(message) ? 'codec'
    : name === 'NotAllowedError' || name === 'SecurityError' || /permission denied|not allowed/i.test(message) ? 'mic-denied'
    : name === 'NotFoundError' || name === 'OverconstrainedError' || /requested device not found|no (audio input|microphone)/i.test(message) ? 'no-mic'
    : name === 'NotReadableError' || name === 'AbortError' || /could not start (audio|source)/i.test(message) ? 'mic-busy'
    : /ice (connection |gathering )?fail|dtls/i.test(message) ? 'connection'
    : /setRemoteDescription|remote (offer|description|sdp)|SessionDescription|\bsdp\b|m-section|ContentTypeUnsupported/i.test(message) ||
        name === 'InvalidAccessError' || name === 'ContentTypeUnsupportedError'
      ? 'offer'
      : 'other';
  return { kind, detail };
}

/** An outbound INVITE's final refusal that is about media (the far end could not take our offer). */
export function isMediaRefusal(statusCode: number): boolean {
  return statusCode === 488 || statusCode === 415 || statusCode === 606;
}

/** The far end's refusal of our offer ("488 Not Acceptable Here"). */
export function refusalFailure(statusLine: string): CallFailure {
  return { kind: 'refused', detail: failureReasonText(statusLine, DETAIL_MAX) };
}

/** What the call history records: one line of English, bounded (failureReasonText). */
export function failureReason(f: CallFailure): string {
  const english = ENGLISH[f.kind];
  // the browser's or far end's own words too, for whoever reads the history to fix it
  const text = f.detail && f.kind !== 'other' ? `${english}: ${f.detail}` : f.kind === 'other' ? f.detail || english : english;
  return failureReasonText(text);
}

/** The status we answer an INVITE with when we could not accept it. */
export function answerStatus(f: CallFailure): { statusCode: number; reasonPhrase: string } {
  return OFFER_KINDS.has(f.kind) ? { statusCode: 488, reasonPhrase: 'Not Acceptable Here' } : { statusCode: 480, reasonPhrase: 'Temporarily Unavailable' };
}

/** An SDP with audio where every audio line is rejected (port 0): a call that would carry no sound. */
export function audioRejected(sdp: string | undefined): boolean {
  const lines = (sdp ?? '').split(/\r?\n/).filter((l) => l.startsWith('m=audio '));
  return lines.length > 0 && lines.every((l) => /^m=audio 0\b/.test(l));
}

/**
 * A sip.js description modifier for accept(). Offered only codecs it cannot use (G.729 through a
 * media bridge, say), Chromium does not fail: it answers with the audio line rejected (port 0)
 * and the call would be "answered" in silence. That answer is refused here instead, so the call
 * fails (488) with the reason, as any offer we cannot accept.
 */
export function refuseSilentAnswer(description: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
  if (description.type === 'answer' && audioRejected(description.sdp)) {
    return Promise.reject(new Error('no audio codec in common with the offer (the browser rejected its audio line)'));
  }
  return Promise.resolve(description);
}

/** The parts of sip.js 0.21's Invitation this file touches (not public API: checked at run time). */
interface InvitationInternals {
  state: SessionState;
  isCanceled?: boolean;
  handleResponseError?: (error: unknown) => void;
  incomingInviteRequest?: { reject(options: { statusCode: number; reasonPhrase?: string }): unknown };
  stateTransition?: (state: SessionState) => void;
}

/**
 * Hooks an Invitation's failed answer. sip.js catches an accept() that fails (the browser refused
 * the offer, no microphone…) in Invitation.handleResponseError, which replies 480, moves the
 * session to Terminated and only then rejects accept()'s promise: by then the call has ended with
 * no reason known. Here `onFailure` learns why first, and the reply says it: 488 for an offer we
 * cannot accept. What sip.js does otherwise is unchanged (same transitions, same rethrow, an
 * error after the caller's CANCEL ignored). A sip.js without these internals keeps its own path.
 */
export function hookAnswerFailure(invitation: Invitation, onFailure: (f: CallFailure) => void): void {
  const inv = invitation as unknown as InvitationInternals;
  const original = inv.handleResponseError;
  if (typeof original !== 'function' || typeof inv.stateTransition !== 'function' || !inv.incomingInviteRequest) return;
  inv.handleResponseError = (error: unknown) => {
    const failure = callFailure(error);
    if (!inv.isCanceled) onFailure(failure);
    const status = answerStatus(failure);
    // sip.js's own 415 (an offer that is not SDP at all) is already the honest answer
    const keep = status.statusCode === 480 || nameOf(error) === 'ContentTypeUnsupportedError';
    if (keep || inv.isCanceled || (inv.state !== SessionState.Initial && inv.state !== SessionState.Establishing)) {
      return original.call(inv, error);
    }
    console.warn(`pronto softphone: cannot accept the call (${failure.detail}): ${status.statusCode}`);
    inv.incomingInviteRequest!.reject(status);
    inv.stateTransition!(SessionState.Terminated);
    throw error;
  };
}
