// What a pop needs beyond the pop itself (case history, customer notes, the call's draft case)
// is read once the pop has stayed on screen a moment: the pop paints first, and a pop replaced
// at once (calls ringing in a burst, each newer one on screen for an instant) costs no reads.
import { useEffect } from 'react';

export const POP_SETTLE_MS = 200;

/**
 * Runs `effect` when `deps` have not changed for POP_SETTLE_MS (its cleanup as usual). Unlike
 * a plain useEffect, nothing runs for a customer that was on screen for less than that.
 */
export function useSettledEffect(effect: () => void | (() => void), deps: readonly unknown[], ms = POP_SETTLE_MS): void {
  useEffect(() => {
    let cleanup: void | (() => void);
    const timer = setTimeout(() => {
      cleanup = effect();
    }, ms);
    return () => {
      clearTimeout(timer);
      if (typeof cleanup === 'function') cleanup();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}
