// Global keyboard shortcuts. Ctrl+K: search (always). Ctrl+Shift+S: simulate a call.
export const SEARCH_INPUT_ID = 'pronto-search';
export const SIMULATE_INPUT_ID = 'pronto-simulate-number';

export function focusSearch(): void {
  const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
  if (!el) return;
  el.focus();
  el.select();
}

/** Focuses the number field; if it already has focus and a number, rings. */
export function focusOrRing(ring: () => void): void {
  const el = document.getElementById(SIMULATE_INPUT_ID) as HTMLInputElement | null;
  if (!el) return;
  if (document.activeElement === el && el.value.trim() !== '') {
    ring();
    return;
  }
  el.focus();
  el.select();
}
