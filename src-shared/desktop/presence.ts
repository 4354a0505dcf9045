// What the desktop shell knows of the agent: the softphone's registration and live calls (the
// renderer reports them), and — once agent states exist — the agent's state and the states the
// agent may switch to. The tray, close-to-tray and the update policy read it. Pure (no electron):
// the tray's icon, tooltip and menu are built here from it and tested in plain Node.
import { z } from 'zod';

/** The softphone's registration as the renderer reports it (src-renderer/telephony/store.ts RegState kinds). */
export const Registration = z.enum(['unconfigured', 'connecting', 'registering', 'registered', 'failed', 'stopped']);
export type Registration = z.infer<typeof Registration>;

/** The renderer's report (the `shellReport` method of the contract). */
export const SoftphoneReport = z.object({
  registration: Registration,
  /** Calls ringing, in conversation or on hold (not ended). */
  calls: z.number().int().min(0).max(1000),
  /** Calls ended but still in wrap-up (after-call work): the agent is busy. */
  wrapUp: z.number().int().min(0).max(1000).default(0),
});
export type SoftphoneReport = z.infer<typeof SoftphoneReport>;

/**
 * The hook for agent states (src-main/services/agent-state): a state as the tray shows it. `kind`
 * is what the shell acts on: `busy` (ringing, on a call, wrap-up) holds updates back like a call
 * does, `offline` (signed out) lets the window close, `away` (a break) lets updates install.
 */
export interface ShellAgentState {
  id: string;
  label: string;
  kind: 'available' | 'away' | 'busy' | 'offline';
}

const STATE_LABELS: Record<string, string> = {
  available: 'Available', ringing: 'Ringing', oncall: 'On call', wrapup: 'Wrap-up', break: 'Break', offline: 'Offline',
};
const STATE_KINDS: Record<string, ShellAgentState['kind']> = {
  available: 'available', ringing: 'busy', oncall: 'busy', wrapup: 'busy', break: 'away', offline: 'offline',
};

/**
 * The agent-state service's view (the contract's `agentState` query and event:
 * src-shared/agent-state/view.ts) as the tray shows it; null for anything it does not know.
 * Read structurally so the shell does not break while agent states grow.
 */
export function shellAgentState(view: unknown): ShellAgentState | null {
  if (!view || typeof view !== 'object') return null;
  const { state, reason } = view as { state?: unknown; reason?: unknown };
  if (typeof state !== 'string' || !(state in STATE_KINDS)) return null;
  const why = typeof reason === 'string' && reason ? reason.slice(0, 40) : null;
  if (state === 'break') return { id: why ? `break:${why}` : 'break', label: why ? `Break (${why})` : 'Break', kind: 'away' };
  return { id: state, label: STATE_LABELS[state]!, kind: STATE_KINDS[state]! };
}

/** The tray's quick state changes: Available, a Break per reason (the hub's list), Sign out. */
export function agentChoices(breakReasons: readonly { code: string; labelEn: string }[]): ShellAgentState[] {
  return [
    { id: 'available', label: 'Available', kind: 'available' },
    ...breakReasons.slice(0, 12).map((r) => ({ id: `break:${r.code}`, label: `Break — ${r.labelEn}`, kind: 'away' as const })),
    { id: 'offline', label: 'Sign out', kind: 'offline' },
  ];
}

/** A tray choice as the contract's `agentStateSet` input. */
export function agentStateRequest(choiceId: string): { state: 'available' | 'break' | 'offline'; reason: string | null } | null {
  if (choiceId === 'available' || choiceId === 'offline') return { state: choiceId, reason: null };
  const m = /^break:([a-z0-9][a-z0-9_-]{0,39})$/.exec(choiceId);
  return m ? { state: 'break', reason: m[1]! } : null;
}

export interface Presence {
  /** null until the renderer's first report (the page is loading). */
  softphone: SoftphoneReport | null;
  /** null until agent states exist (then: the agent's current state). */
  agent: ShellAgentState | null;
  /** The states the agent may switch to from the tray (empty until agent states exist). */
  agentChoices: readonly ShellAgentState[];
}

export const NO_PRESENCE: Presence = { softphone: null, agent: null, agentChoices: [] };

type Listener = (p: Presence) => void;

/**
 * Holds the presence and tells the tray (and the update check) when it changes. The agent-state
 * service calls setAgent; the tray's quick state changes come back through onAgentStateChosen.
 */
export class PresenceHub {
  private current: Presence = NO_PRESENCE;
  private listeners = new Set<Listener>();
  private choosers = new Set<(stateId: string) => void>();

  get(): Presence {
    return this.current;
  }

  setSoftphone(report: SoftphoneReport): void {
    this.update({ ...this.current, softphone: report });
  }

  /** Agent states: the current one and the choices (call with null, [] when signed out of the hub). */
  setAgent(agent: ShellAgentState | null, choices: readonly ShellAgentState[] = []): void {
    this.update({ ...this.current, agent, agentChoices: choices.slice(0, 20) });
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The agent picked a state in the tray menu (the agent-state service applies it). */
  onAgentStateChosen(handler: (stateId: string) => void): () => void {
    this.choosers.add(handler);
    return () => this.choosers.delete(handler);
  }

  chooseAgentState(stateId: string): boolean {
    if (!this.current.agentChoices.some((s) => s.id === stateId)) return false;
    for (const h of this.choosers) h(stateId);
    return this.choosers.size > 0;
  }

  private update(next: Presence): void {
    this.current = next;
    for (const l of this.listeners) l(next);
  }
}

/** Signed in: the agent takes calls (an agent state other than offline; until those exist, the softphone registered). */
export function signedIn(p: Presence): boolean {
  if (p.agent) return p.agent.kind !== 'offline';
  return p.softphone?.registration === 'registered';
}

/** A call is live (ringing, talking, held): nothing may restart the app or drop the window's calls. */
export function inCall(p: Presence): boolean {
  return (p.softphone?.calls ?? 0) > 0;
}

/**
 * Closing the window: while signed in (or in a call) it hides to the tray so calls keep ringing
 * (a closed window would drop them); otherwise it closes as usual. Quitting (tray menu, OS
 * shutdown, an update) always closes.
 */
export function closeAction(p: Presence, quitting: boolean): 'hide' | 'close' {
  if (quitting) return 'close';
  return signedIn(p) || inCall(p) ? 'hide' : 'close';
}

export type TrayIconKind = 'ready' | 'busy' | 'away' | 'offline' | 'problem';

export function trayIconKind(p: Presence): TrayIconKind {
  if (inCall(p) || (p.softphone?.wrapUp ?? 0) > 0 || p.agent?.kind === 'busy') return 'busy';
  if (p.agent?.kind === 'away') return 'away';
  if (p.agent?.kind === 'offline') return 'offline';
  switch (p.softphone?.registration) {
    case 'registered': return 'ready';
    case 'failed': return 'problem';
    case 'connecting': case 'registering': return 'away';
    default: return 'offline';
  }
}

const REGISTRATION_TEXT: Record<Registration, string> = {
  unconfigured: 'phone not set up',
  connecting: 'phone connecting',
  registering: 'phone connecting',
  registered: 'phone ready',
  failed: 'phone not registered',
  stopped: 'phone off',
};

/** One line for the tray's tooltip: `Pronto — Available · phone ready · 1 call`. */
export function trayTooltip(p: Presence): string {
  const parts: string[] = [];
  if (p.agent) parts.push(p.agent.label);
  parts.push(p.softphone ? REGISTRATION_TEXT[p.softphone.registration] : 'starting');
  const calls = p.softphone?.calls ?? 0;
  if (calls > 0) parts.push(calls === 1 ? '1 call' : `${calls} calls`);
  if ((p.softphone?.wrapUp ?? 0) > 0) parts.push('wrap-up');
  return `Pronto — ${parts.join(' · ')}`.slice(0, 127); // Windows cuts tooltips at 127 characters
}

/** A menu item as the shell builds it (Menu.buildFromTemplate); `id` says what a click does. */
export type TrayMenuItem =
  | { type: 'normal'; id: 'show' | 'quit'; label: string; enabled: boolean }
  | { type: 'radio'; id: `state:${string}`; label: string; checked: boolean; enabled: boolean }
  | { type: 'normal'; id: 'status'; label: string; enabled: false }
  | { type: 'separator' };

/**
 * The tray menu: a status line, the agent's quick state changes (when agent states exist; not
 * while a call is live, which sets the state by itself), show the window, quit (not while a call is live).
 */
export function trayMenu(p: Presence): TrayMenuItem[] {
  const live = inCall(p);
  const items: TrayMenuItem[] = [{ type: 'normal', id: 'status', label: trayTooltip(p).replace(/^Pronto — /, ''), enabled: false }];
  if (p.agentChoices.length > 0) {
    items.push({ type: 'separator' });
    for (const s of p.agentChoices) {
      items.push({ type: 'radio', id: `state:${s.id}`, label: s.label, checked: s.id === p.agent?.id, enabled: !live });
    }
  }
  items.push({ type: 'separator' });
  items.push({ type: 'normal', id: 'show', label: 'Show Pronto', enabled: true });
  items.push({ type: 'normal', id: 'quit', label: live ? 'Quit (finish the call first)' : 'Quit Pronto', enabled: !live });
  return items;
}
