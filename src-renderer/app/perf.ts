// Performance marks on the pop path. Telephony will add `invite-received`; for simulated calls
// the path starts at `pop-requested`. `pop-painted` is set in the animation frame after the
// React commit that shows the lookup's result.
export const MARK_REQUESTED = 'pop-requested';
export const MARK_PAINTED = 'pop-painted';
/** The bridge answered the lookup: splits host time from render time. */
export const MARK_ANSWERED = 'pop-answered';
export const MEASURE_POP = 'pop';

export function markAnswered(): void {
  performance.clearMarks(MARK_ANSWERED);
  performance.mark(MARK_ANSWERED);
}

/** When the pop on screen was asked for; `marked`: with the generic marks (simulated calls). */
let requested: { at: number; marked: boolean } | null = null;

export function markRequested(): void {
  performance.clearMarks(MARK_ANSWERED);
  performance.clearMarks(MARK_REQUESTED);
  performance.clearMarks(MARK_PAINTED);
  requested = { at: performance.mark(MARK_REQUESTED).startTime, marked: true };
}

/**
 * A softphone call's pop: the strip's figure counts from its INVITE (null: no figure). No generic
 * marks: the call has its own (telephony/popMarks), and clearing marks by name scans them all.
 */
export function setRequestedAt(at: number | null): void {
  requested = at === null ? null : { at, marked: false };
}

/** Marks `pop-painted` and returns the request→paint duration in ms (null if nothing was requested). */
export function markPainted(): number | null {
  const r = requested;
  if (!r) return null;
  if (!r.marked) return performance.now() - r.at;
  const painted = performance.mark(MARK_PAINTED);
  performance.clearMeasures(MEASURE_POP);
  return performance.measure(MEASURE_POP, { start: r.at, end: painted.startTime }).duration;
}
