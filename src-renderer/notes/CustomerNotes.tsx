// Customer notes in the pop: what colleagues should know about this customer, beyond one call.
// Test hooks (contract): note-item, note-input, note-save.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n';
import { useSettledEffect } from '../app/settle';
import { onDelivered } from '../sync/store';
import type { Note } from '../../src-shared/sync/status';
import { useNotes } from './store';

const NO_NOTES: Note[] = []; // one empty list: a selector must not return a new one per call

export function CustomerNotes({ customerId }: { customerId: string }) {
  const t = useT();
  const notes = useNotes((s) => (s.customerId === customerId ? s.notes : NO_NOTES));
  const status = useNotes((s) => (s.customerId === customerId ? s.status : 'idle'));
  const error = useNotes((s) => s.error);
  const saving = useNotes((s) => s.saving);
  const saveError = useNotes((s) => s.saveError);
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    setText('');
    setEditing(null);
  }, [customerId]);
  // after the pop has settled on this customer (app/settle.ts)
  useSettledEffect(() => {
    void useNotes.getState().load(customerId);
    return onDelivered(() => void useNotes.getState().load(customerId));
  }, [customerId]);

  async function save() {
    const v = text.trim();
    if (!v) return;
    const ok = await useNotes.getState().save(customerId, v, editing ?? undefined);
    if (ok) {
      setText('');
      setEditing(null);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      void save();
    } else if (e.key === 'Escape' && editing) {
      setEditing(null);
      setText('');
    }
  }

  return (
    <section className="activity-card cnotes" aria-labelledby={`${id}-title`} data-testid="customer-notes">
      <h3 id={`${id}-title`} className="card-title">
        {t('notes.title')}
        {notes.length > 0 && <span className="count">{notes.length}</span>}
      </h3>
      <div className="cnotes-compose">
        <label className="visually-hidden" htmlFor={`${id}-input`}>{editing ? t('notes.editing') : t('notes.add')}</label>
        <textarea
          id={`${id}-input`}
          className={`input cnotes-input${editing ? ' is-editing' : ''}`}
          data-testid="note-input"
          rows={1}
          value={text}
          placeholder={editing ? t('notes.editing') : t('notes.placeholder')}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="btn btn-small" data-testid="note-save" disabled={saving || !text.trim()} onClick={() => void save()}>
          {editing ? t('notes.update') : t('notes.save')}
        </button>
        {editing && (
          <button type="button" className="btn btn-link btn-small" onClick={() => { setEditing(null); setText(''); }}>
            {t('notes.cancel')}
          </button>
        )}
      </div>
      {saveError && <p className="case-error" role="alert">{t('notes.saveFailed', { msg: saveError })}</p>}
      {status === 'error' && <p className="case-error">{t('notes.loadFailed', { msg: error ?? '' })}</p>}
      <ul className="activity-list">
        {notes.map((n) => (
          <li key={n.noteId} className={`note-item${editing === n.noteId ? ' is-editing' : ''}`} data-testid="note-item" data-note-id={n.noteId} data-pending={String(n.pending)}>
            <p className="note-text">{n.text}</p>
            <div className="note-meta">
              {n.author && <span className="muted">{n.author}</span>}
              {n.pending && <span className="pending-tag" title={t('sync.pendingTitle')}>{t('pending.tag')}</span>}
              <button
                type="button"
                className="btn btn-link btn-small"
                data-testid="note-edit"
                onClick={() => {
                  setEditing(n.noteId);
                  setText(n.text);
                  document.getElementById(`${id}-input`)?.focus();
                }}
              >
                {t('notes.edit')}
              </button>
            </div>
          </li>
        ))}
        {status === 'done' && notes.length === 0 && <li className="activity-empty muted">{t('notes.empty')}</li>}
      </ul>
    </section>
  );
}
