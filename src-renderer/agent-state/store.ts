// The agent's state as the header shows it: pushed by the host (`agentState` event), read once at
// start, changed by the agent (agentStateSet). It also tells the host whether the softphone is
// registered (agentStateRegistration), from the telephony store's `reg`, the one place the
// softphone writes it: not registered means Offline.
import { create } from 'zustand';
import type { ChosenState, BreakReason } from '../../src-shared/agent-state/states';
import { DEFAULT_BREAK_REASONS } from '../../src-shared/agent-state/states';
import type { AgentStateView } from '../../src-shared/agent-state/view';
import { bridge } from '../bridge';
import { useTelephony, type RegState } from '../telephony/store';

interface AgentStateStore {
  view: AgentStateView | null;
  reasons: readonly BreakReason[];
  error: string | null;
  refresh(): Promise<void>;
  choose(state: ChosenState, reason?: string | null): Promise<boolean>;
}

let seq = 0;

export const useAgentState = create<AgentStateStore>((set) => ({
  view: null,
  reasons: DEFAULT_BREAK_REASONS,
  error: null,
  async refresh() {
    const mine = ++seq;
    try {
      const [view, reasons] = await Promise.all([bridge.invoke('agentState', {}), bridge.invoke('breakReasons', {})]);
      set({ reasons }); // (a pushed state may be newer than this view; the list has no such race)
      if (mine === seq) set({ view, error: null });
    } catch (err) {
      if (mine === seq) set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
  async choose(state, reason = null) {
    const mine = ++seq;
    try {
      const view = await bridge.invoke('agentStateSet', { state, reason: state === 'break' ? reason : null });
      if (mine === seq) set({ view, error: null });
      return true;
    } catch (err) {
      if (mine === seq) set({ error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  },
}));

/** What the host is told: registered, not (connecting, failed, stopped), or no softphone configured (null). */
export function registeredOf(reg: RegState): boolean | null {
  if (reg.kind === 'unconfigured') return null;
  return reg.kind === 'registered';
}

let started = false;

/** Subscribes once (idempotent): the host's event, the first read, the softphone's registration. */
export function startAgentState(): void {
  if (started) return;
  started = true;
  // The telephony store starts "unconfigured" before the softphone has read its settings: that
  // first value says nothing yet (reporting it would flash Available before Offline).
  const initialReg = useTelephony.getState().reg;
  let reported: boolean | null | undefined;
  const report = (reg: RegState, force = false): void => {
    if (reg === initialReg) return;
    const registered = registeredOf(reg);
    if (registered === reported && !force) return;
    reported = registered;
    bridge.invoke('agentStateRegistration', { registered }).then(
      (view) => {
        seq++;
        useAgentState.setState({ view, error: null });
      },
      () => {
        reported = undefined; // the host was not reachable: tell it at its next event
      },
    );
  };
  bridge.on('agentState', (view) => {
    seq++; // an in-flight read is older than a pushed state
    useAgentState.setState({ view, error: null });
    // a host that restarted forgot the registration: tell it again
    const reg = useTelephony.getState().reg;
    if (reg !== initialReg && view.registered !== registeredOf(reg)) report(reg, true);
  });
  // the web host came back (perhaps restarted: it starts Offline and knows nothing of the softphone)
  bridge.onConnection((state) => {
    if (state !== 'open') return;
    if (reported !== undefined) report(useTelephony.getState().reg, true);
    void useAgentState.getState().refresh();
  });
  bridge.on('breakReasons', ({ reasons }) => useAgentState.setState({ reasons }));
  useTelephony.subscribe((s, prev) => {
    if (s.reg !== prev.reg) report(s.reg);
  });
  report(useTelephony.getState().reg);
  void useAgentState.getState().refresh();
}
