// Per-call performance marks of the pop path (the pop itself is drawn by pop/callPops.ts):
//   invite-received:<callId>  the INVITE reached onInvite (or its bytes arrived, earlyInvite.ts)
//   pop-answered:<callId>     the lookup answered and the pop was asked for
//   pop-committed:<callId>    React committed that call's pop (layout effect)
//   pop-painted:<callId>      the first animation frame after that commit
// and the measure invite-to-paint:<callId>; the pop strip shows invite→paint as "popped in N ms"
// (app/perf.ts). Nothing here looks marks up or clears them by name while calls ring: each of
// those scans every mark, and there are a few per call.
export const MARK_INVITE = 'invite-received';
export const MARK_CALL_PAINTED = 'pop-painted';
export const inviteMark = (callId: string): string => `${MARK_INVITE}:${callId}`;
/** The host answered incomingCall (splits host time from render time). */
export const answeredMark = (callId: string): string => `pop-answered:${callId}`;
/** React committed the call's pop (layout effect). */
export const committedMark = (callId: string): string => `pop-committed:${callId}`;
export const paintedMark = (callId: string): string => `${MARK_CALL_PAINTED}:${callId}`;
export const popMeasure = (callId: string): string => `invite-to-paint:${callId}`;

const painted = new Set<string>();
/** INVITE time of each marked call (for its measure). */
const inviteAt = new Map<string, number>();
const markedCalls: string[] = [];
const KEEP_MARKS = 5000;

/** Marks the INVITE's arrival; `at`: when its bytes arrived, if read before sip.js parsed it. */
export function markInvite(callId: string, at?: number): number {
  const t = at ?? performance.now();
  try {
    performance.mark(inviteMark(callId), { startTime: t });
    inviteAt.set(callId, t);
    markedCalls.push(callId);
    if (markedCalls.length > KEEP_MARKS) {
      const old = markedCalls.shift()!;
      inviteAt.delete(old);
      performance.clearMarks(inviteMark(old));
      performance.clearMarks(answeredMark(old));
      performance.clearMarks(committedMark(old));
      performance.clearMarks(paintedMark(old));
      performance.clearMeasures(popMeasure(old));
      painted.delete(old);
    }
  } catch {
    /* marks are best effort */
  }
  return t;
}

/** The ringing call's lookup answered: its pop is asked for now. */
export function markLookupAnswered(callId: string): void {
  try {
    performance.mark(answeredMark(callId));
  } catch {
    /* ignore */
  }
}

/** Called from a layout effect after React committed a pop for `callId`: marks the next frame. */
export function markPaintedNextFrame(callId: string): void {
  if (painted.has(callId)) return;
  painted.add(callId);
  try {
    performance.mark(committedMark(callId));
  } catch {
    /* ignore */
  }
  requestAnimationFrame(() => {
    try {
      const at = performance.mark(paintedMark(callId)).startTime;
      const from = inviteAt.get(callId);
      if (from !== undefined) performance.measure(popMeasure(callId), { start: from, end: at });
    } catch {
      /* ignore */
    }
  });
}
