// Where the desktop keeps the hub token after a sign-in (issue 20). Pure: the hosts pass in what
// they found (Electron's safeStorage, the web host) and do what this says.
//
// - Electron with OS encryption (Keychain, DPAPI, libsecret/kwallet): persisted encrypted, by the
//   main process only; the renderer never reads it (it sees the session, never the token).
// - Electron on Linux whose only backend is `basic_text` (a hard-coded key: "encrypted" in name
//   only), or with no encryption at all: not persisted; the agent signs in at each start.
// - The web host (`pronto serve`): in its own process memory only. It runs on 127.0.0.1 for one
//   agent and has no OS keychain; writing the token to its data dir would be clear text on disk
//   (the basic_text case again), so a restart of the host asks for the password again.

export type TokenStorage =
  | { mode: 'encrypted'; reason: string }
  | { mode: 'memory'; reason: string };

export interface TokenStorageInput {
  host: 'electron' | 'web';
  /** Electron: safeStorage.isEncryptionAvailable(). */
  encryptionAvailable?: boolean;
  /** Electron on Linux: safeStorage.getSelectedStorageBackend() ('basic_text', 'gnome_libsecret', 'kwallet5', …); elsewhere undefined. */
  backend?: string | null;
}

/** Linux backends that are no protection: the key is a constant in Chromium's source. */
const CLEAR_BACKENDS: ReadonlySet<string> = new Set(['basic_text']);

export function tokenStorage(i: TokenStorageInput): TokenStorage {
  if (i.host === 'web') return { mode: 'memory', reason: 'web host: kept in its own process memory, never written to disk' };
  if (!i.encryptionAvailable) return { mode: 'memory', reason: 'no OS encryption available: not persisted, sign in at each start' };
  const backend = (i.backend ?? '').toLowerCase();
  if (CLEAR_BACKENDS.has(backend)) return { mode: 'memory', reason: 'Linux basic_text backend (no keyring): not persisted, sign in at each start' };
  if (backend === 'unknown') return { mode: 'memory', reason: 'Linux keyring backend unknown: not persisted, sign in at each start' };
  return { mode: 'encrypted', reason: backend ? `encrypted with safeStorage (${backend})` : 'encrypted with safeStorage' };
}
