// The tray and close-to-tray read the presence: registration until agent states exist.
import { describe, expect, it } from 'vitest';
import { agentChoices, agentStateRequest, closeAction, NO_PRESENCE, shellAgentState, PresenceHub, trayIconKind, trayMenu, trayTooltip, type ShellAgentState, type Presence } from './presence';

const phone = (registration: 'registered' | 'failed' | 'connecting' | 'unconfigured', calls = 0, wrapUp = 0): Presence => ({ ...NO_PRESENCE, softphone: { registration, calls, wrapUp } });
const AVAILABLE: ShellAgentState = { id: 'available', label: 'Available', kind: 'available' };
const BREAK: ShellAgentState = { id: 'break', label: 'Break', kind: 'away' };
const OFFLINE: ShellAgentState = { id: 'offline', label: 'Signed out', kind: 'offline' };

describe('closing the window', () => {
  it('hides to the tray while signed in or in a call, closes otherwise, always on quit', () => {
    expect(closeAction(phone('registered'), false)).toBe('hide');
    expect(closeAction(phone('failed', 1), false)).toBe('hide');
    expect(closeAction(phone('unconfigured'), false)).toBe('close');
    expect(closeAction(NO_PRESENCE, false)).toBe('close');
    expect(closeAction(phone('registered', 2), true)).toBe('close');
  });

  it('follows agent states once they exist', () => {
    expect(closeAction({ ...phone('failed'), agent: AVAILABLE, agentChoices: [] }, false)).toBe('hide');
    expect(closeAction({ ...phone('registered'), agent: OFFLINE, agentChoices: [] }, false)).toBe('close');
  });
});

describe('tray', () => {
  it('shows the registration state until agent states exist', () => {
    expect(trayIconKind(phone('registered'))).toBe('ready');
    expect(trayIconKind(phone('failed'))).toBe('problem');
    expect(trayIconKind(phone('connecting'))).toBe('away');
    expect(trayIconKind(NO_PRESENCE)).toBe('offline');
    expect(trayIconKind(phone('registered', 1))).toBe('busy');
    expect(trayIconKind(phone('registered', 0, 1))).toBe('busy');
    expect(trayTooltip(phone('registered'))).toBe('Pronto — phone ready');
    expect(trayTooltip(phone('registered', 2, 1))).toBe('Pronto — phone ready · 2 calls · wrap-up');
    expect(trayTooltip(NO_PRESENCE)).toBe('Pronto — starting');
  });

  it('shows the agent state and its quick changes when given', () => {
    const p: Presence = { ...phone('registered'), agent: BREAK, agentChoices: [AVAILABLE, BREAK, OFFLINE] };
    expect(trayIconKind(p)).toBe('away');
    expect(trayTooltip(p)).toBe('Pronto — Break · phone ready');
    const menu = trayMenu(p);
    expect(menu.filter((i) => i.type === 'radio')).toEqual([
      { type: 'radio', id: 'state:available', label: 'Available', checked: false, enabled: true },
      { type: 'radio', id: 'state:break', label: 'Break', checked: true, enabled: true },
      { type: 'radio', id: 'state:offline', label: 'Signed out', checked: false, enabled: true },
    ]);
    expect(menu.at(-1)).toEqual({ type: 'normal', id: 'quit', label: 'Quit Pronto', enabled: true });
  });

  it('has no state items without agent states, and no quit or state change during a call', () => {
    expect(trayMenu(phone('registered')).map((i) => (i.type === 'separator' ? '-' : i.id))).toEqual(['status', '-', 'show', 'quit']);
    const live = trayMenu({ ...phone('registered', 1), agent: AVAILABLE, agentChoices: [AVAILABLE, BREAK] });
    expect(live.filter((i) => i.type === 'radio').every((i) => i.type === 'radio' && !i.enabled)).toBe(true);
    expect(live.at(-1)).toMatchObject({ id: 'quit', enabled: false });
  });
});

describe('PresenceHub (the typed hook for agent states)', () => {
  it('tells listeners of every change and relays quick state changes to the agent-state service', () => {
    const hub = new PresenceHub();
    const seen: Presence[] = [];
    hub.onChange((p) => seen.push(p));
    hub.setSoftphone({ registration: 'registered', calls: 0, wrapUp: 0 });
    hub.setAgent(AVAILABLE, [AVAILABLE, BREAK]);
    expect(seen.map(trayIconKind)).toEqual(['ready', 'ready']);
    const chosen: string[] = [];
    expect(hub.chooseAgentState('break')).toBe(false); // nobody applies it yet
    hub.onAgentStateChosen((id) => chosen.push(id));
    expect(hub.chooseAgentState('break')).toBe(true);
    expect(hub.chooseAgentState('not-offered')).toBe(false);
    expect(chosen).toEqual(['break']);
  });
});

describe('agent states in the shell', () => {
  it('maps the agent-state view to what the tray shows', () => {
    expect(shellAgentState({ state: 'available', reason: null, since: '2026-12-07T20:00:00Z' })).toEqual({ id: 'available', label: 'Available', kind: 'available' });
    expect(shellAgentState({ state: 'oncall', reason: null })).toMatchObject({ kind: 'busy', label: 'On call' });
    expect(shellAgentState({ state: 'wrapup', reason: null })?.kind).toBe('busy');
    expect(shellAgentState({ state: 'break', reason: 'lunch' })).toEqual({ id: 'break:lunch', label: 'Break (lunch)', kind: 'away' });
    expect(shellAgentState({ state: 'offline', reason: 'signed out' })?.kind).toBe('offline');
    expect(shellAgentState({ state: 'dancing' })).toBeNull();
    expect(shellAgentState(null)).toBeNull();
  });

  it('offers Available, a break per reason and Sign out, as agentStateSet inputs', () => {
    const choices = agentChoices([{ code: 'lunch', labelEn: 'Lunch' }, { code: 'training', labelEn: 'Training' }]);
    expect(choices.map((c) => c.id)).toEqual(['available', 'break:lunch', 'break:training', 'offline']);
    expect(choices.map((c) => agentStateRequest(c.id))).toEqual([
      { state: 'available', reason: null }, { state: 'break', reason: 'lunch' }, { state: 'break', reason: 'training' }, { state: 'offline', reason: null },
    ]);
    expect(agentStateRequest('break:../../x')).toBeNull();
    expect(agentStateRequest('oncall')).toBeNull();
    // the current break is the checked item
    const menu = trayMenu({ ...phone('registered'), agent: shellAgentState({ state: 'break', reason: 'lunch' }), agentChoices: choices });
    expect(menu.filter((i) => i.type === 'radio' && i.checked).map((i) => i.type === 'radio' && i.id)).toEqual(['state:break:lunch']);
  });
});
