// View state of the softphone: registration, one entry per call, devices. Plain data only;
// the sip.js objects live in callSession.ts. The header badge and the call cards render this.
import { create } from 'zustand';
import type { SoftphoneConfig } from '../../src-shared/api/contract';
import type { LookupResult } from '../../src-shared/pop/schema';
import type { CallerIdentity } from '../../src-shared/telephony/identity';
import type { CallFailure } from './failure';

export type RegState =
  | { kind: 'unconfigured' }
  | { kind: 'connecting'; attempt: number; retryAt: number | null; reason: string | null }
  | { kind: 'registering' }
  | { kind: 'registered'; since: number }
  | { kind: 'failed'; reason: 'auth' | 'config' | 'other'; detail: string }
  | { kind: 'stopped' };

export type CallStateKind = 'ringing' | 'active' | 'held' | 'ended';
export type EndReason = 'cancelled' | 'declined' | 'ended' | 'elsewhere' | 'failed' | 'transferred';

export interface CallView {
  /** Our key, and the callId of the contract (the SIP Call-ID for inbound calls). */
  id: string;
  direction: 'inbound' | 'outbound';
  state: CallStateKind;
  endReason: EndReason | null;
  endDetail: string | null;
  /** Ended `failed` because the softphone could not connect the call's audio: why (failure.ts). */
  failure?: CallFailure | null;
  who: CallerIdentity;
  /** Outbound: what was dialled. */
  target: string | null;
  lookup: LookupResult | null;
  lookupError: string | null;
  /** The customer this call is about (inbound single match, or the pop we dialled from). */
  customerId: string | null;
  customerName: string | null;
  offeredAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  muted: boolean;
  /** A hold/resume re-INVITE is in flight. */
  busy: boolean;
  dtmfSent: string;
  dtmfReceived: string;
  rtpIn: number | null;
  rtpOut: number | null;
  /** Cumulative inbound audio energy (getStats totalAudioEnergy): grows while we hear sound. */
  energyIn: number | null;
  /** Attended transfer: this is the consultation call for `consultFor`. */
  consultFor: string | null;
  transfer: { target: string; mode: 'blind' | 'attended'; status: 'pending' | 'consulting' | 'done' | 'failed'; detail: string | null } | null;
  error: string | null;
}

export interface Devices {
  inputs: { id: string; label: string }[];
  outputs: { id: string; label: string }[];
  inputId: string;
  outputId: string;
  sinkSupported: boolean;
}

export type NotifyPermission = NotificationPermission | 'unsupported';

interface TelephonyState {
  config: SoftphoneConfig | null;
  configError: string | null;
  reg: RegState;
  calls: CallView[];
  /** The answered call whose pop stays on screen while other calls ring. */
  pinnedId: string | null;
  /** The call whose pop is on screen. */
  shownId: string | null;
  devices: Devices;
  notify: NotifyPermission;
  settingsOpen: boolean;
}

export const useTelephony = create<TelephonyState>(() => ({
  config: null,
  configError: null,
  reg: { kind: 'unconfigured' },
  calls: [],
  pinnedId: null,
  shownId: null,
  devices: { inputs: [], outputs: [], inputId: '', outputId: '', sinkSupported: false },
  notify: 'unsupported',
  settingsOpen: false,
}));

export function getCall(id: string): CallView | undefined {
  return useTelephony.getState().calls.find((c) => c.id === id);
}

export function patchCall(id: string, patch: Partial<CallView> | ((c: CallView) => Partial<CallView>)): void {
  useTelephony.setState((s) => {
    const i = s.calls.findIndex((c) => c.id === id);
    if (i < 0) return s;
    const cur = s.calls[i]!;
    const next = { ...cur, ...(typeof patch === 'function' ? patch(cur) : patch) };
    const calls = s.calls.slice();
    calls[i] = next;
    return { calls };
  });
}

export function addCall(call: CallView): void {
  useTelephony.setState((s) => ({ calls: [...s.calls.filter((c) => c.id !== call.id), call] }));
}

export function removeCall(id: string): void {
  useTelephony.setState((s) => ({
    calls: s.calls.filter((c) => c.id !== id),
    pinnedId: s.pinnedId === id ? null : s.pinnedId,
  }));
}

/**
 * Full cards before the rest of a burst folds into one "N more" row. Three cards and that row
 * fit the column of an 800 px window; a card per ringing call beyond that only pushes the rest
 * out of sight, and every new one moves them all (a burst of 20 ringing cards cost the renderer
 * ~12 ms a call).
 */
export const CARDS_SHOWN = 3;

/**
 * The cards drawn when the list is folded: every call in conversation (active, held), the one
 * whose pop is on screen, then the first of the rest in list order up to CARDS_SHOWN. `hidden`
 * keeps list order; nothing is folded away for a single extra card.
 */
export function foldCalls(ordered: readonly CallView[], shownId: string | null, max = CARDS_SHOWN): { visible: CallView[]; hidden: CallView[] } {
  if (ordered.length <= max + 1) return { visible: [...ordered], hidden: [] };
  const must = (c: CallView) => c.state === 'active' || c.state === 'held' || c.id === shownId;
  let room = Math.max(0, max - ordered.filter(must).length);
  const visible: CallView[] = [];
  const hidden: CallView[] = [];
  for (const c of ordered) {
    if (must(c)) visible.push(c);
    else if (room > 0) {
      visible.push(c);
      room--;
    } else hidden.push(c);
  }
  return { visible, hidden };
}

/** Live calls first (ringing on top: they need a decision), then ended ones, newest first. */
export function orderCalls(calls: readonly CallView[]): CallView[] {
  const rank = (c: CallView) => (c.state === 'ringing' ? 0 : c.state === 'active' ? 1 : c.state === 'held' ? 2 : 3);
  return [...calls].sort((a, b) => rank(a) - rank(b) || b.offeredAt - a.offeredAt);
}
