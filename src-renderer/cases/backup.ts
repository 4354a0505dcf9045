// A copy of what the agent typed, in localStorage, until the host has acknowledged it. The host
// saves within ~300 ms; this covers the gap (page closed, reloaded or the host unreachable).
import type { OfferOutcomeKind } from '../../src-shared/cases/schema';
import type { OfferKind } from '../../src-shared/offers/schema';

export interface DraftFields {
  disposition: string | null;
  notes: string;
  followUpDate: string | null;
  followUpTask: string;
}

export interface OfferChoice {
  kind: OfferKind;
  outcome: OfferOutcomeKind;
}

const DRAFT = 'pronto.caseDraft.';
const OFFERS = 'pronto.caseOffers.';

function read<T>(key: string): T | null {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the host save still runs */
  }
}

function remove(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    /* ignore */
  }
}

export interface DraftBackup {
  fields: Partial<DraftFields>;
  /** When the agent last typed (ISO). */
  at: string;
}

export const backup = {
  draft: (caseId: string) => read<DraftBackup>(DRAFT + caseId),
  writeDraft: (caseId: string, fields: Partial<DraftFields>) => write(DRAFT + caseId, { fields, at: new Date().toISOString() }),
  clearDraft: (caseId: string) => remove(DRAFT + caseId),
  offers: (caseId: string) => read<Record<string, OfferChoice>>(OFFERS + caseId),
  writeOffers: (caseId: string, choices: Record<string, OfferChoice>) =>
    Object.keys(choices).length ? write(OFFERS + caseId, choices) : remove(OFFERS + caseId),
  clearOffers: (caseId: string) => remove(OFFERS + caseId),
  /** Case ids with a draft backup still waiting for the host. */
  draftIds(): string[] {
    const ids: string[] = [];
    try {
      for (let i = 0; i < window.localStorage.length; i++) {
        const k = window.localStorage.key(i);
        if (k?.startsWith(DRAFT)) ids.push(k.slice(DRAFT.length));
      }
    } catch {
      /* ignore */
    }
    return ids;
  },
};
