// Sync status, always in the header: local only / online / offline, last synced, what is still
// waiting to be sent and what the hub refused (click → the list with reasons).
// Test hooks (contract): data-testid="sync-status" with data-configured, data-online,
// data-pending, data-rejected.
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { startSyncStatus, useSync } from './store';
import { relativeTime, shortDuration, useNow } from './time';
import './sync.css';

export function SyncStatusBadge() {
  const t = useT();
  const f = useFormat();
  const status = useSync((s) => s.status);
  const error = useSync((s) => s.error);
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const now = useNow(15_000);

  useEffect(() => startSyncStatus(), []);

  useEffect(() => {
    if (!open) return;
    function onDown(e: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    }
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') setOpen(false);
    }
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const configured = status?.configured ?? false;
  const online = status?.online ?? false;
  const pending = status?.pending ?? 0;
  const rejected = status?.rejected ?? 0;
  const progress = status?.progress ?? null;
  const ago = status?.lastSyncedAt ? relativeTime(f.lang, status.lastSyncedAt, now) : null;

  let state: 'local' | 'online' | 'offline' | 'syncing' | 'unknown' = 'unknown';
  let label = '…';
  if (status) {
    if (!configured) {
      state = 'local';
      label = t('sync.local');
    } else if (progress) {
      state = 'syncing';
      label = t('sync.initial');
    } else if (online) {
      state = 'online';
      label = ago ? t('sync.syncedAgo', { ago }) : t('sync.online');
    } else {
      state = 'offline';
      label = ago ? t('sync.offlineAgo', { ago }) : t('sync.offline');
    }
  } else if (error) {
    label = t('sync.unknown');
  }

  const pct = progress?.percent != null ? `${Math.round(progress.percent)} %` : null;
  const title = !status ? label : !configured ? t('sync.localTitle') : status.hubUrl ? `${t('sync.hub')}: ${status.hubUrl}` : label;

  return (
    <div className="sync" ref={rootRef}>
      <button
        type="button"
        className={`sync-badge sync-${state}`}
        data-testid="sync-status"
        data-configured={String(configured)}
        data-online={String(online)}
        data-pending={pending}
        data-rejected={rejected}
        data-state={state}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={title}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="sync-dot" aria-hidden="true" />
        <span className="sync-label">{label}</span>
        {progress && (
          <span className="sync-progress" data-testid="sync-progress" data-percent={progress.percent ?? ''}>
            {pct ?? t('sync.rows', { n: f.number(progress.rows) })}
            {progress.etaS != null ? ` · ${shortDuration(progress.etaS)}` : ''}
          </span>
        )}
        {pending > 0 && (
          <span className="sync-chip sync-chip-pending" data-testid="sync-pending" title={t('sync.pendingTitle')}>
            {t('sync.pending', { n: f.number(pending) })}
          </span>
        )}
        {rejected > 0 && (
          <span className="sync-chip sync-chip-rejected" data-testid="sync-rejected">
            {t('sync.rejected', { n: f.number(rejected) })}
          </span>
        )}
      </button>
      {open && status && (
        <div className="sync-panel" role="dialog" aria-label={t('sync.title')} data-testid="sync-details">
          <h3 className="sync-panel-title">{t('sync.title')}</h3>
          <dl className="facts sync-facts">
            <dt>{t('sync.mode')}</dt>
            <dd>{!configured ? t('sync.local') : online ? (status.live ? t('sync.onlineLive') : t('sync.onlinePolling')) : t('sync.offline')}</dd>
            {configured && (
              <>
                <dt>{t('sync.hub')}</dt>
                <dd className="sync-hub">{status.hubUrl ?? '—'}</dd>
                <dt>{t('sync.lastSynced')}</dt>
                <dd>{status.lastSyncedAt ? `${ago} · ${f.dateTime(status.lastSyncedAt)}` : t('sync.never')}</dd>
              </>
            )}
            <dt>{t('sync.pendingLabel')}</dt>
            <dd>{f.number(pending)}</dd>
            <dt>{t('sync.rejectedLabel')}</dt>
            <dd className={rejected > 0 ? 'is-bad' : ''}>{f.number(rejected)}</dd>
          </dl>
          {!configured && <p className="sync-note">{t('sync.localTitle')}</p>}
          {progress && (
            <div className="sync-initial" data-testid="sync-initial">
              <div className="meter"><span className="meter-fill" style={{ width: `${Math.min(100, progress.percent ?? 0)}%` }} /></div>
              <p className="sync-note">
                {t('sync.progressRows', {
                  rows: f.number(progress.rows),
                  total: progress.total != null ? f.number(progress.total) : '?',
                })}
                {pct ? ` · ${pct}` : ''}
                {progress.etaS != null ? ` · ${t('sync.eta', { eta: shortDuration(progress.etaS) })}` : ''}
              </p>
            </div>
          )}
          {status.error && <p className="sync-note is-bad">{t('sync.error', { msg: status.error })}</p>}
          {status.rejectedItems.length > 0 && (
            <>
              <h4 className="sync-panel-sub">{t('sync.rejectedTitle')}</h4>
              <ul className="sync-rejected-list">
                {status.rejectedItems.map((r) => (
                  <li key={r.id} className="sync-rejected-item" data-testid="sync-rejected-item" data-kind={r.kind}>
                    <span className="sync-rejected-kind">{r.kind}</span>
                    <span className="sync-rejected-reason">{r.reason}</span>
                    <span className="muted">{f.dateTime(r.rejectedAt)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {configured && (
            <button type="button" className="btn btn-small" data-testid="sync-now" onClick={() => void useSync.getState().syncNow()}>
              {t('sync.now')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
