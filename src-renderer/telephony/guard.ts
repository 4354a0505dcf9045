// Small helpers every softphone part uses. Every sip.js callback is wrapped with safe(): a
// hostile INVITE or a library error must never stop the next call from popping.

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}

export function safe<A extends unknown[]>(what: string, f: (...a: A) => void): (...a: A) => void {
  return (...a: A) => {
    try {
      f(...a);
    } catch (err) {
      console.warn(`pronto softphone: ${what} failed`, err);
    }
  };
}

export function uuid(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }
}
