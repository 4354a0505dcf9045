// The case on screen: the draft of the current call (or of the customer opened without a call),
// saved as the agent types, ended into wrap-up, submitted with the offer outcomes.
//
// Never lose a note: every keystroke updates the view at once, goes to a localStorage copy, and
// is saved to the host ~300 ms later (at once on blur, tab hide and page hide). The copy is
// dropped only when the host has acknowledged the text; on start, copies the host never got are
// replayed, and the newest open draft with content is put back on screen.
//
// API for the telephony side (and anything else that owns a call):
//   startCaseForPop({ callId, customerId, line })   the pop of that call is on screen
//   callEnded({ callId, durationS })                the call ended: the case goes into wrap-up
import { create } from 'zustand';
import type { Case, Disposition } from '../../src-shared/cases/schema';
import type { OfferKind } from '../../src-shared/offers/schema';
import type { OfferOutcomeKind } from '../../src-shared/cases/schema';
import { bridge, BridgeError } from '../bridge';
import { usePop } from '../pop/store';
import { useSync } from '../sync/store';
import { backup, type DraftFields, type OfferChoice } from './backup';
import { uuid } from '../telephony/guard';

export type { DraftFields, OfferChoice } from './backup';
export type SaveState = 'saved' | 'pending' | 'saving' | 'error';
type Field = keyof DraftFields;

export const SAVE_DEBOUNCE_MS = 300;
const RETRY_MS = 2_000;

export interface HistoryState {
  customerId: string;
  items: Case[];
  status: 'loading' | 'done' | 'error';
  error: string | null;
}

interface CasesState {
  ready: boolean;
  dispositions: Disposition[];
  wrapUpSeconds: number;
  region: string;
  /** The host's copy of the case on screen. */
  current: Case | null;
  /** What the agent sees and types (the host's copy plus edits not yet acknowledged). */
  draft: DraftFields | null;
  saveState: SaveState;
  saveError: string | null;
  /** Offer outcomes chosen for the current case, by SKU (sent with the submit). */
  choices: Record<string, OfferChoice>;
  /** 'disposition' when submit was tried without one; otherwise the host's message. */
  submitError: string | null;
  submitting: boolean;
  /** The current case was put back on screen after a restart. */
  restored: boolean;
  starting: boolean;
  startError: string | null;
  /** Drafts and wrap-ups left open (for "resume"). */
  openCases: Case[];
  history: HistoryState | null;
  /** A call whose pop is on screen and whose draft is about to start (cases/popSync). */
  pendingCallId: string | null;

  init(): Promise<void>;
  startCaseForPop(input: { callId: string | null; customerId: string | null; line?: string }): Promise<Case | null>;
  openCustomerCase(customerId: string): Promise<void>;
  linkCustomer(customerId: string): Promise<void>;
  edit<F extends Field>(field: F, value: DraftFields[F]): void;
  flush(): Promise<void>;
  setChoice(sku: string, kind: OfferKind, outcome: OfferOutcomeKind | null): void;
  submit(): Promise<boolean>;
  callEnded(input: { callId: string; durationS: number | null }): Promise<void>;
  /** "End call" for a simulated call (no phone to hang up). */
  endCall(): Promise<void>;
  newCase(customerId: string | null): Promise<void>;
  resume(caseId: string): Promise<void>;
  loadHistory(customerId: string): Promise<void>;
  refreshOpen(): Promise<void>;
}

// ---- helpers -------------------------------------------------------------------------------

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const fromCase = (c: Case): DraftFields => ({
  disposition: c.disposition,
  notes: c.notes,
  followUpDate: c.followUpDate,
  followUpTask: c.followUpTask,
});
/** Something the agent would not want to lose. */
export const hasContent = (c: Case): boolean =>
  c.notes.trim() !== '' || c.disposition !== null || c.followUpDate !== null || c.followUpTask.trim() !== '';

/** Call id prefix of simulated calls (the simulator has no SIP Call-ID). */
export const SIM_PREFIX = 'sim-';
export const isSimulatedCall = (callId: string | null | undefined): boolean => !!callId && callId.startsWith(SIM_PREFIX);
export function newSimCallId(): string {
  return SIM_PREFIX + uuid();
}
/** When each simulated call started (for its duration when the agent ends it). */
const simStarted = new Map<string, number>();
export function noteSimulatedCallStart(callId: string): void {
  if (!simStarted.has(callId)) simStarted.set(callId, Date.now());
}

// ---- saving --------------------------------------------------------------------------------

/** Edits not yet sent (or sent and failed), per case. */
const unsent = new Map<string, Partial<DraftFields>>();
const inflight = new Map<string, Promise<void>>();
let debounce: ReturnType<typeof setTimeout> | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let startSeq = 0;

function isCurrent(caseId: string): boolean {
  return useCases.getState().current?.caseId === caseId;
}

function settleSaveState(caseId: string): void {
  if (!isCurrent(caseId)) return;
  if (unsent.has(caseId)) useCases.setState({ saveState: 'pending' });
  else if (inflight.has(caseId)) useCases.setState({ saveState: 'saving' });
  else useCases.setState({ saveState: 'saved', saveError: null });
}

async function flushCase(caseId: string): Promise<void> {
  while (inflight.has(caseId)) await inflight.get(caseId);
  const fields = unsent.get(caseId);
  unsent.delete(caseId);
  if (!fields || Object.keys(fields).length === 0) {
    settleSaveState(caseId);
    return;
  }
  let failed = false;
  const run = (async () => {
    if (isCurrent(caseId)) useCases.setState({ saveState: 'saving' });
    try {
      const saved = await bridge.invoke('caseSave', { caseId, ...fields });
      if (isCurrent(caseId)) useCases.setState({ current: saved });
      if (!unsent.has(caseId)) backup.clearDraft(caseId);
    } catch (err) {
      failed = true;
      const final = err instanceof BridgeError && err.code === 'bad_request' && /already submitted|does not exist/.test(err.message);
      if (final) {
        backup.clearDraft(caseId); // nothing left to save into
      } else {
        unsent.set(caseId, { ...fields, ...unsent.get(caseId) });
        if (retry) clearTimeout(retry);
        retry = setTimeout(() => {
          retry = null;
          void flushAll();
        }, RETRY_MS);
      }
      if (isCurrent(caseId)) useCases.setState({ saveState: 'error', saveError: message(err) });
    }
  })();
  inflight.set(caseId, run);
  try {
    await run;
  } finally {
    inflight.delete(caseId);
  }
  if (!failed) settleSaveState(caseId);
}

function scheduleSave(caseId: string, ms = SAVE_DEBOUNCE_MS): void {
  if (debounce) clearTimeout(debounce);
  debounce = setTimeout(() => {
    debounce = null;
    void flushCase(caseId);
  }, ms);
}

async function flushAll(): Promise<void> {
  if (debounce) {
    clearTimeout(debounce);
    debounce = null;
  }
  await Promise.all([...new Set([...unsent.keys(), ...inflight.keys()])].map((id) => flushCase(id)));
}

/** Puts a case on screen; local edits of that case not yet acknowledged stay on top of it. */
function show(c: Case, opts: { restored?: boolean } = {}): void {
  const s = useCases.getState();
  if (s.current?.caseId === c.caseId) {
    useCases.setState({ current: c, ...(opts.restored ? { restored: true } : {}) });
    return;
  }
  // The case left behind is saved, and the list of open cases learns what it now holds.
  if (s.current) void flushCase(s.current.caseId).then(() => useCases.getState().refreshOpen());
  const local = unsent.get(c.caseId);
  const b = c.status === 'submitted' ? null : backup.draft(c.caseId);
  let draft = fromCase(c);
  if (b) {
    // A copy exists only until the host acknowledged it: typed here, never saved. It wins, and
    // goes to the host now.
    draft = { ...draft, ...b.fields };
    unsent.set(c.caseId, { ...b.fields, ...local });
  }
  if (local) draft = { ...draft, ...local };
  if (unsent.has(c.caseId)) backup.writeDraft(c.caseId, draft);
  const choices: Record<string, OfferChoice> = {};
  if (c.status === 'submitted') {
    for (const o of c.offers) choices[o.sku] = { kind: o.kind as OfferKind, outcome: o.outcome };
  } else Object.assign(choices, backup.offers(c.caseId) ?? {});
  const openCases = c.status === 'submitted' ? s.openCases : [c, ...s.openCases.filter((o) => o.caseId !== c.caseId)];
  useCases.setState({
    openCases,
    current: c,
    draft,
    choices,
    saveState: unsent.has(c.caseId) ? 'pending' : 'saved',
    saveError: null,
    submitError: null,
    submitting: false,
    restored: !!opts.restored,
    startError: null,
  });
  if (unsent.has(c.caseId)) scheduleSave(c.caseId, 0);
}

// ---- the store -----------------------------------------------------------------------------

let initStarted = false;

/** The open-cases list being refreshed, and whether another refresh was asked for meanwhile. */
let openRefresh: Promise<void> | null = null;
let openAgain = false;
const OPEN_REFRESH_GAP_MS = 300;

export const useCases = create<CasesState>((set, get) => ({
  ready: false,
  dispositions: [],
  wrapUpSeconds: 60,
  region: 'IT',
  current: null,
  draft: null,
  saveState: 'saved',
  saveError: null,
  choices: {},
  submitError: null,
  submitting: false,
  restored: false,
  starting: false,
  startError: null,
  openCases: [],
  history: null,
  pendingCallId: null,

  async init() {
    if (initStarted) return;
    initStarted = true;
    const [dispositions, settings] = await Promise.all([
      bridge.invoke('dispositions', {}).catch(() => [] as Disposition[]),
      bridge.invoke('settings', {}).catch(() => null),
    ]);
    set({
      ready: true,
      dispositions,
      ...(settings ? { wrapUpSeconds: settings.wrapUpSeconds, region: settings.region } : {}),
    });
    // Edits typed here that the host never acknowledged (page closed within the debounce, host down).
    for (const caseId of backup.draftIds()) {
      const b = backup.draft(caseId);
      try {
        const c = await bridge.invoke('caseGet', { caseId });
        if (!b || !c || c.status === 'submitted') backup.clearDraft(caseId);
        else if (!isCurrent(caseId) && !unsent.has(caseId)) {
          await bridge.invoke('caseSave', { caseId, ...b.fields });
          if (!isCurrent(caseId) && !unsent.has(caseId)) backup.clearDraft(caseId);
        }
      } catch {
        /* keep the copy; the next start tries again */
      }
    }
    let open: Case[] = [];
    try {
      open = await bridge.invoke('casesOpen', {});
    } catch {
      return;
    }
    set({ openCases: open });
    // Put the newest draft the agent had worked on back where they left it, unless a call came first.
    const pop = usePop.getState();
    if (get().current || pop.call || pop.selected) return;
    const target = open.find(hasContent);
    if (!target) return;
    show(target, { restored: true });
    if (target.customerId) void usePop.getState().openCustomer(target.customerId, 'search');
  },

  async startCaseForPop({ callId, customerId, line }) {
    const mine = ++startSeq;
    if (callId && isSimulatedCall(callId)) noteSimulatedCallStart(callId);
    set({ starting: true, startError: null });
    try {
      let c = await bridge.invoke('caseStart', { callId, customerId, ...(line ? { line } : {}) });
      if (customerId && !c.customerId && c.status !== 'submitted') {
        c = await bridge.invoke('caseSave', { caseId: c.caseId, customerId });
      }
      if (mine === startSeq) {
        show(c);
        set({ starting: false });
      }
      return c;
    } catch (err) {
      if (mine === startSeq) set({ starting: false, startError: message(err) });
      return null;
    }
  },

  async openCustomerCase(customerId) {
    const cur = get().current;
    if (cur && cur.customerId === customerId && cur.status !== 'submitted') return;
    const mine = ++startSeq;
    set({ starting: true, startError: null });
    try {
      const resumable = get().openCases.find((c) => c.customerId === customerId && c.status !== 'submitted');
      let c: Case | null = resumable ? await bridge.invoke('caseGet', { caseId: resumable.caseId }) : null;
      if (!c || c.status === 'submitted') c = await bridge.invoke('caseStart', { customerId });
      if (mine !== startSeq) return;
      show(c);
      set({ starting: false });
    } catch (err) {
      if (mine === startSeq) set({ starting: false, startError: message(err) });
    }
  },

  async linkCustomer(customerId) {
    const cur = get().current;
    if (!cur || cur.status === 'submitted') return;
    try {
      const c = await bridge.invoke('caseSave', { caseId: cur.caseId, customerId });
      if (isCurrent(c.caseId)) set({ current: c, choices: {} });
      backup.clearOffers(c.caseId);
    } catch (err) {
      set({ saveError: message(err), saveState: 'error' });
    }
  },

  edit(field, value) {
    const { current, draft } = get();
    if (!current || !draft || current.status === 'submitted') return;
    const next = { ...draft, [field]: value };
    const fields = { ...unsent.get(current.caseId), [field]: value };
    unsent.set(current.caseId, fields);
    backup.writeDraft(current.caseId, next);
    set({
      draft: next,
      saveState: 'pending',
      ...(field === 'disposition' && value ? { submitError: null } : {}),
    });
    // A choice in a list is done at once; typing waits for a pause.
    scheduleSave(current.caseId, field === 'disposition' || field === 'followUpDate' ? 0 : SAVE_DEBOUNCE_MS);
  },

  flush: flushAll,

  setChoice(sku, kind, outcome) {
    const { current, choices } = get();
    if (!current || current.status === 'submitted') return;
    const next = { ...choices };
    if (outcome === null) delete next[sku];
    else next[sku] = { kind, outcome };
    backup.writeOffers(current.caseId, next);
    set({ choices: next });
  },

  async submit() {
    const { current, draft, choices, submitting } = get();
    if (!current || !draft || submitting || current.status === 'submitted') return false;
    if (!draft.disposition) {
      set({ submitError: 'disposition' });
      return false;
    }
    const caseId = current.caseId;
    if (debounce) {
      clearTimeout(debounce);
      debounce = null;
    }
    set({ submitting: true, submitError: null });
    // The submit carries every field; wait for a save in flight so it cannot land afterwards.
    while (inflight.has(caseId)) await inflight.get(caseId);
    const held = unsent.get(caseId);
    unsent.delete(caseId);
    const offers = current.customerId
      ? Object.entries(choices).map(([sku, c]) => ({ sku, kind: c.kind, outcome: c.outcome }))
      : [];
    try {
      const done = await bridge.invoke('caseSubmit', {
        caseId,
        disposition: draft.disposition,
        notes: draft.notes,
        followUpDate: draft.followUpDate,
        followUpTask: draft.followUpTask,
        ...(offers.length ? { offers } : {}),
      });
      backup.clearDraft(caseId);
      backup.clearOffers(caseId);
      if (isCurrent(caseId)) {
        set({ current: done, draft: fromCase(done), submitting: false, saveState: 'saved', saveError: null, restored: false });
      }
      set({ openCases: get().openCases.filter((c) => c.caseId !== caseId) });
      if (done.customerId && get().history?.customerId === done.customerId) void get().loadHistory(done.customerId);
      void useSync.getState().refresh();
      return true;
    } catch (err) {
      if (held) unsent.set(caseId, { ...held, ...unsent.get(caseId) });
      set({ submitting: false, submitError: message(err) });
      return false;
    }
  },

  async callEnded({ callId, durationS }) {
    try {
      const c = await bridge.invoke('caseCallEnded', { callId, durationS });
      if (c && isCurrent(c.caseId)) show(c);
    } catch (err) {
      console.warn('pronto cases: caseCallEnded failed', err);
    }
  },

  async endCall() {
    const cur = get().current;
    if (!cur?.callId || cur.status !== 'draft') return;
    const started = simStarted.get(cur.callId) ?? Date.parse(cur.createdAt);
    const durationS = Number.isNaN(started) ? null : Math.max(0, Math.round((Date.now() - started) / 1000));
    void flushCase(cur.caseId);
    await get().callEnded({ callId: cur.callId, durationS });
  },

  async newCase(customerId) {
    const mine = ++startSeq;
    try {
      const c = await bridge.invoke('caseStart', { customerId });
      if (mine === startSeq) show(c);
    } catch (err) {
      if (mine === startSeq) set({ startError: message(err) });
    }
  },

  async resume(caseId) {
    const mine = ++startSeq;
    try {
      const c = await bridge.invoke('caseGet', { caseId });
      if (!c || mine !== startSeq) return;
      show(c);
      if (c.customerId && usePop.getState().selected?.customerId !== c.customerId) {
        void usePop.getState().openCustomer(c.customerId, 'search');
      }
    } catch (err) {
      set({ startError: message(err) });
    }
  },

  async loadHistory(customerId) {
    const prev = get().history;
    set({ history: { customerId, items: prev?.customerId === customerId ? prev.items : [], status: 'loading', error: null } });
    try {
      const items = await bridge.invoke('caseHistory', { customerId });
      if (get().history?.customerId === customerId) set({ history: { customerId, items, status: 'done', error: null } });
    } catch (err) {
      if (get().history?.customerId === customerId) set({ history: { customerId, items: prev?.customerId === customerId ? prev.items : [], status: 'error', error: message(err) } });
    }
  },

  refreshOpen() {
    // Every pop leaves a case behind, so a burst of calls asks for this list many times a
    // second: one request at a time, and the asks that arrive meanwhile become one more request
    // after a short gap.
    if (openRefresh) {
      openAgain = true;
      return openRefresh;
    }
    openRefresh = (async () => {
      try {
        do {
          openAgain = false;
          try {
            set({ openCases: await bridge.invoke('casesOpen', {}) });
          } catch {
            /* keep the list */
          }
          if (openAgain) await new Promise((r) => setTimeout(r, OPEN_REFRESH_GAP_MS));
        } while (openAgain);
      } finally {
        openRefresh = null;
      }
    })();
    return openRefresh;
  },
}));

/** For the telephony side: a call's pop is on screen (idempotent per call). */
export function startCaseForPop(input: { callId: string | null; customerId: string | null; line?: string }): Promise<Case | null> {
  return useCases.getState().startCaseForPop(input);
}

/** For the telephony side: the call ended (the case goes into wrap-up). */
export function callEnded(input: { callId: string; durationS: number | null }): Promise<void> {
  return useCases.getState().callEnded(input);
}

/** Disposition label in the UI language. */
export function dispositionLabel(list: readonly Disposition[], code: string | null, lang: string): string {
  if (!code) return '';
  const d = list.find((x) => x.code === code);
  if (!d) return code;
  return lang === 'it' ? d.labelIt : d.labelEn;
}

// Flush whenever the agent may be leaving: tab hidden, page hidden/unloaded.
if (typeof window !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flushAll();
  });
  window.addEventListener('pagehide', () => void flushAll());
  window.addEventListener('beforeunload', () => void flushAll());
}
