// What a failed answer or call says: the kind (the card's sentence, in both languages), the
// recorded reason (one bounded line) and the SIP status we answer with (488 for an offer we
// cannot accept). The messages are Chromium's and sip.js's own words as met in the field.
import { describe, expect, it } from 'vitest';
import { FailureReason, FAILURE_REASON_MAX, failureReasonText } from '../../src-shared/telephony/calls';
import { installFakeBrowser } from '../testing/fakeBrowser';
import { answerStatus, audioRejected, callFailure, failureReason, isMediaRefusal, refusalFailure, refuseSilentAnswer, type FailureKind } from './failure';

installFakeBrowser();
const { translate } = await import('../i18n');

const err = (message: string, name = 'Error') => Object.assign(new Error(message), { name });

describe('callFailure', () => {
  const cases: [unknown, FailureKind, number][] = [
    [err("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote offer sdp: Called with SDP without DTLS fingerprint.", 'OperationError'), 'no-dtls', 488],
    [err("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to parse SessionDescription. SDP without ice-ufrag", 'OperationError'), 'no-ice', 488],
    [err("Failed to set remote audio description send parameters for m-section with mid='0'. No codec in common", 'InvalidAccessError'), 'codec', 488],
    [err("Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to parse SessionDescription. m=audio x", 'OperationError'), 'offer', 488],
    [err('Permission denied', 'NotAllowedError'), 'mic-denied', 480],
    [err('Requested device not found', 'NotFoundError'), 'no-mic', 480],
    [err('Could not start audio source', 'NotReadableError'), 'mic-busy', 480],
    [err('ICE connection failed'), 'connection', 480],
    [err('Invalid session state Terminated'), 'other', 480],
    ['a string thrown', 'other', 480],
    [undefined, 'other', 480],
  ];
  for (const [error, kind, status] of cases) {
    it(`${error instanceof Error ? `${error.name}: ${error.message.slice(0, 60)}` : String(error)} → ${kind}, ${status}`, () => {
      const f = callFailure(error);
      expect(f.kind).toBe(kind);
      expect(answerStatus(f).statusCode).toBe(status);
      expect(f.detail).not.toBe('');
    });
  }

  it('keeps the browser words, without its boilerplate', () => {
    expect(callFailure(cases[0]![0]).detail).toBe('Called with SDP without DTLS fingerprint.');
  });

  it('a hostile message becomes one bounded line (never markup to render, never several lines)', () => {
    const f = callFailure(err(`line one\r\nline two\u0000\u2028<b>x</b>${'y'.repeat(1000)}`));
    for (const c of ['\r', '\n', '\u0000', '\u2028']) expect(f.detail).not.toContain(c);
    expect(f.detail.length).toBeLessThanOrEqual(160);
    expect(f.detail.startsWith('line one line two <b>x</b>')).toBe(true);
    const recorded = failureReason(f);
    expect(FailureReason.safeParse(recorded).success).toBe(true);
  });
});

describe('an answer with its audio rejected (offered only codecs the browser cannot use)', () => {
  const answer = (m: string) => ({ type: 'answer' as const, sdp: `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${m}\r\na=mid:0\r\n` });
  it('is refused: the call fails as "no codec in common" (488), never answered in silence', async () => {
    // what Chromium answers to a WebRTC offer of G.729 only (checked in Chromium 14x)
    const silent = answer('m=audio 0 UDP/TLS/RTP/SAVPF 0');
    const e = await refuseSilentAnswer(silent).catch((err: unknown) => err);
    const f = callFailure(e);
    expect(f.kind).toBe('codec');
    expect(answerStatus(f).statusCode).toBe(488);
  });
  it('lets a real answer and an offer through', async () => {
    const ok = answer('m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8');
    await expect(refuseSilentAnswer(ok)).resolves.toBe(ok);
    const offer = { type: 'offer' as const, sdp: 'v=0\r\nm=audio 0 RTP/AVP 0\r\n' };
    await expect(refuseSilentAnswer(offer)).resolves.toBe(offer);
    expect(audioRejected('v=0\r\nm=audio 0 RTP/AVP 0\r\nm=audio 4000 RTP/AVP 8\r\n')).toBe(false);
    expect(audioRejected('v=0\r\n')).toBe(false);
  });
});

describe('outbound refusals', () => {
  it('488, 415 and 606 are about our media; 404, 486, 503 are not', () => {
    expect([488, 415, 606].map(isMediaRefusal)).toEqual([true, true, true]);
    expect([404, 486, 503, 0].map(isMediaRefusal)).toEqual([false, false, false, false]);
    expect(failureReason(refusalFailure('488 Not Acceptable Here'))).toBe('the other side refused the call: 488 Not Acceptable Here');
  });
});

describe('the recorded reason', () => {
  it('is English with the detail, bounded to FAILURE_REASON_MAX and accepted at the host edge', () => {
    const long = failureReason({ kind: 'offer', detail: 'z'.repeat(500) });
    expect(long.length).toBe(FAILURE_REASON_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(FailureReason.safeParse(long).success).toBe(true);
    expect(failureReason({ kind: 'other', detail: 'Invalid session state' })).toBe('Invalid session state');
  });

  it('failureReasonText: never half a surrogate pair, control characters out', () => {
    const s = failureReasonText(`${'a'.repeat(198)}😀😀`);
    expect(s.length).toBeLessThanOrEqual(FAILURE_REASON_MAX);
    expect(s).toBe(`${'a'.repeat(198)}…`);
    expect(failureReasonText('a\tb\n\nc\u0085d')).toBe('a b c d');
    expect(FailureReason.safeParse('two\nlines').success).toBe(false);
    expect(FailureReason.safeParse('x'.repeat(FAILURE_REASON_MAX + 1)).success).toBe(false);
  });

  it("failureReasonText: a far end's bidi override cannot turn the reason around on the card", () => {
    expect(failureReasonText('488 \u202Eereh elbatpecca toN')).toBe('488 ereh elbatpecca toN');
    expect(FailureReason.safeParse('488 \u202Eevil').success).toBe(false);
    expect(FailureReason.safeParse('488 Not Acceptable Here').success).toBe(true);
  });
});

describe('the card', () => {
  it('says "could not connect audio" with the reason, in English and Italian', () => {
    const reason = (lang: 'en' | 'it') => translate(lang, 'call.end.noAudio', { reason: translate(lang, 'call.failure.no-dtls') });
    expect(reason('en')).toBe("Could not connect audio: the caller's line sends plain RTP, without DTLS encryption (a media bridge is needed)");
    expect(reason('it')).toMatch(/^Impossibile collegare l'audio: la linea del chiamante invia RTP in chiaro/);
    expect(translate('en', 'call.failure.refused', { detail: '488 Not Acceptable Here' })).toBe('the other side refused it (488 Not Acceptable Here)');
  });
});
