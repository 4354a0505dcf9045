// Global keyboard shortcuts. Ctrl+K: search (always). Ctrl+Shift+S: simulate a call.
// Ctrl+Shift+A: Available. Ctrl+Shift+B: Break (asks for the reason).
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

/**
 * The agent-state keys (the header's state control installs them): Ctrl+Shift+A sets Available at
 * once, Ctrl+Shift+B opens the break reasons (a break always says why). Returns the uninstaller.
 */
export function installAgentStateShortcuts(actions: { available(): void; breakMenu(): void }): () => void {
  function onKey(e: KeyboardEvent) {
    if (!(e.ctrlKey || e.metaKey) || !e.shiftKey || e.altKey || e.repeat) return;
    const key = e.key.toLowerCase();
    if (key === 'a') {
      e.preventDefault();
      actions.available();
    } else if (key === 'b') {
      e.preventDefault();
      actions.breakMenu();
    }
  }
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
