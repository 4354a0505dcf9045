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

export function markRequested(): void {
  performance.clearMarks(MARK_ANSWERED);
  performance.clearMarks(MARK_REQUESTED);
  performance.clearMarks(MARK_PAINTED);
  performance.mark(MARK_REQUESTED);
}

/** Marks `pop-painted` and returns the request→paint duration in ms (null if no request mark). */
export function markPainted(): number | null {
  performance.mark(MARK_PAINTED);
  if (performance.getEntriesByName(MARK_REQUESTED, 'mark').length === 0) return null;
  performance.clearMeasures(MEASURE_POP);
  const m = performance.measure(MEASURE_POP, MARK_REQUESTED, MARK_PAINTED);
  return m.duration;
}
