// The few browser globals the renderer's stores and the softphone's parts read at import and
// while a call rings, for unit tests under Node (no DOM environment is installed).
export function installFakeBrowser(): void {
  const storage = new Map<string, string>();
  const g = globalThis as Record<string, unknown>;
  g.window ??= {
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    },
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  g.document ??= { documentElement: {}, visibilityState: 'visible', hasFocus: () => true, addEventListener: () => {} };
  if (typeof g.navigator === 'undefined') Object.defineProperty(g, 'navigator', { value: { language: 'en-GB', languages: ['en-GB'] }, configurable: true });
  g.requestAnimationFrame ??= (f: () => void) => setTimeout(f, 0);
}
