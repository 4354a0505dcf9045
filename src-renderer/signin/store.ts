// The sign-in session as this page knows it (from the host: `session`, and its event). The token
// never comes here; the role does, and gates the supervisor entry (the hub decides, not the page).
// Signing in or out reloads the page: every view (the pop, drafts, the Queues view, the softphone
// and the page's CSP, which names the SIP server) starts again for the agent now at the desk.
import { create } from 'zustand';
import type { SessionView, SignInFailure } from '../../src-shared/desktop/session';
import { bridge } from '../bridge';

export type SignInError = { reason: SignInFailure; message: string } | null;

interface SessionStore {
  view: SessionView | null;
  /** The host did not answer `session` (an older host, or unreachable): the app runs as before. */
  failed: boolean;
  /** The sign-in form is open (Settings → Sign in) although no sign-in is required. */
  formOpen: boolean;
  busy: boolean;
  error: SignInError;
  /** After a sign-out: rows kept for this agent's next sign-in. */
  kept: number;
  load(): Promise<void>;
  openForm(open: boolean): void;
  signIn(input: { hubUrl?: string; name: string; password: string }): Promise<boolean>;
  signOut(): Promise<boolean>;
}

/** How the page starts over for another agent (a test replaces it). */
export const pageReload = { run: (): void => window.location.reload() };

export const useSession = create<SessionStore>((set, get) => ({
  view: null,
  failed: false,
  formOpen: false,
  busy: false,
  error: null,
  kept: 0,
  async load() {
    try {
      set({ view: await bridge.invoke('session', {}), failed: false });
    } catch {
      set({ failed: true });
    }
  },
  openForm(open) {
    set({ formOpen: open, error: null });
  },
  async signIn(input) {
    if (get().busy) return false;
    set({ busy: true, error: null });
    try {
      const r = await bridge.invoke('signIn', input);
      if (!r.ok) {
        set({ busy: false, error: { reason: r.reason, message: r.message } });
        return false;
      }
      set({ view: r.session, formOpen: false });
      pageReload.run();
      return true;
    } catch (err) {
      set({ busy: false, error: { reason: 'hub_error', message: err instanceof Error ? err.message : String(err) } });
      return false;
    }
  },
  async signOut() {
    if (get().busy) return false;
    set({ busy: true });
    try {
      const r = await bridge.invoke('signOut', {});
      set({ kept: r.kept });
      pageReload.run();
      return true;
    } catch {
      set({ busy: false });
      return false;
    } finally {
      set({ busy: false });
    }
  },
}));

/** Follows the host's session changes (sign-in elsewhere in the app, an expired token, a renewed SIP credential). */
export function followSession(onSipRenewed: () => void): () => void {
  void useSession.getState().load();
  return bridge.on('session', (view) => {
    const before = useSession.getState().view;
    useSession.setState({ view, failed: false });
    if (before?.signedIn && view.signedIn && before.user === view.user && before.sip?.expiresAt !== view.sip?.expiresAt && view.sip) onSipRenewed();
  });
}
