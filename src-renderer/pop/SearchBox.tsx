// Search, available at all times (Ctrl+K): name, company, e-mail, customer ID or phone.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { SEARCH_INPUT_ID } from '../app/shortcuts';
import { SearchIcon } from '../app/icons';
import { displayPhone } from './phone';
import { MIN_QUERY, useSearch } from './searchStore';
import { usePop } from './store';

const DEBOUNCE_MS = 120;

export function SearchBox({ variant = 'header' }: { variant?: 'header' | 'inline' }) {
  const t = useT();
  const f = useFormat();
  const { query, hits, hitsFor, status, error, open, active } = useSearch();
  const { setQuery, run, setOpen, setActive } = useSearch.getState();
  const openCustomer = usePop((s) => s.openCustomer);
  const rootRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    // Remounted elsewhere (header ↔ pop) with the same query: the hits are already there.
    const s = useSearch.getState();
    if (s.hitsFor === query.trim() && s.status === 'done') return;
    const h = setTimeout(() => void run(query), query.trim().length < MIN_QUERY ? 0 : DEBOUNCE_MS);
    return () => clearTimeout(h);
  }, [query, run]);

  useEffect(() => {
    function onDown(e: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    }
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [setOpen]);

  useEffect(() => {
    const el = listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function choose(customerId: string) {
    setOpen(false);
    (document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null)?.blur();
    void openCustomer(customerId, 'search');
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive(Math.min(active + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(active - 1, 0));
    } else if (e.key === 'Enter') {
      const hit = hits[active];
      if (hit && hitsFor === query.trim()) {
        e.preventDefault();
        choose(hit.customerId);
      }
    } else if (e.key === 'Escape') {
      if (open) setOpen(false);
      else e.currentTarget.blur();
    }
  }

  const q = query.trim();
  const showPanel = open && q.length > 0;
  return (
    <div className={`search search-${variant}`} ref={rootRef}>
      <SearchIcon className="search-icon" size={15} />
      <input
        id={SEARCH_INPUT_ID}
        className="search-input"
        data-testid="search-input"
        type="search"
        role="combobox"
        aria-expanded={showPanel}
        aria-controls="search-results"
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        placeholder={t('search.placeholder')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      <kbd className="search-kbd">{t('search.shortcut')}</kbd>
      {showPanel && (
        <div className="search-panel" data-testid="search-results">
          {q.length < MIN_QUERY ? (
            <p className="search-note">{t('search.hint')}</p>
          ) : status === 'error' ? (
            <p className="search-note is-error">{t('search.error', { msg: error ?? '' })}</p>
          ) : hits.length === 0 && status !== 'done' ? (
            <p className="search-note">{t('search.searching')}</p>
          ) : hits.length === 0 ? (
            <p className="search-note">{t('search.noHits', { q })}</p>
          ) : (
            <ul className="search-hits" id="search-results" role="listbox" ref={listRef}>
              {hits.map((h, i) => (
                <li
                  key={h.customerId}
                  role="option"
                  aria-selected={i === active}
                  data-index={i}
                  data-testid="search-hit"
                  data-customer-id={h.customerId}
                  className={`search-hit${i === active ? ' is-active' : ''}`}
                  onMouseEnter={() => setActive(i)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(h.customerId)}
                >
                  <span className="hit-who">
                    <span className="hit-name">{h.name}</span>
                    <span className="hit-company">{h.company}</span>
                  </span>
                  <span className="hit-contact">
                    {h.phone && <span>{displayPhone(h.phone)}</span>}
                    {h.email && <span className="muted">{h.email}</span>}
                  </span>
                  <span className="hit-where">
                    <span>{h.country ? f.country(h.country) : ''}</span>
                    <span className="hit-id">{h.customerId}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
