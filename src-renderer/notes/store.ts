// Customer notes (shared with colleagues through the hub): the list of the customer on screen,
// add and edit. Saved locally at once (pending until the hub has them).
import { create } from 'zustand';
import type { Note } from '../../src-shared/sync/status';
import { bridge } from '../bridge';
import { useSync } from '../sync/store';

interface NotesState {
  customerId: string | null;
  notes: Note[];
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
  saving: boolean;
  saveError: string | null;
  load(customerId: string): Promise<void>;
  save(customerId: string, text: string, noteId?: string): Promise<boolean>;
}

let seq = 0;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const useNotes = create<NotesState>((set, get) => ({
  customerId: null,
  notes: [],
  status: 'idle',
  error: null,
  saving: false,
  saveError: null,
  async load(customerId) {
    const mine = ++seq;
    const same = get().customerId === customerId;
    set({ customerId, status: 'loading', error: null, ...(same ? {} : { notes: [], saveError: null }) });
    try {
      const notes = await bridge.invoke('notesList', { customerId });
      if (mine === seq) set({ notes, status: 'done' });
    } catch (err) {
      if (mine === seq) set({ status: 'error', error: message(err) });
    }
  },
  async save(customerId, text, noteId) {
    set({ saving: true, saveError: null });
    try {
      const note = await bridge.invoke('noteSave', { customerId, text, ...(noteId ? { noteId } : {}) });
      if (get().customerId === customerId) {
        const rest = get().notes.filter((n) => n.noteId !== note.noteId);
        set({ notes: [note, ...rest], saving: false });
      } else set({ saving: false });
      void useSync.getState().refresh();
      return true;
    } catch (err) {
      set({ saving: false, saveError: message(err) });
      return false;
    }
  },
}));
