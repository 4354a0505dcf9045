// Several customers share the caller's number (a switchboard): the agent asks and picks.
import { useEffect } from 'react';
import type { Candidate } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { usePop } from './store';

export function Chooser({ candidates }: { candidates: readonly Candidate[] }) {
  const t = useT();
  const f = useFormat();
  const openCustomer = usePop((s) => s.openCustomer);

  useEffect(() => {
    // Digits 1–9 pick a candidate, unless the agent is typing somewhere.
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= Math.min(9, candidates.length)) {
        e.preventDefault();
        const c = candidates[n - 1];
        if (c) void openCustomer(c.customerId, 'chooser');
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [candidates, openCustomer]);

  return (
    <div className="state state-chooser">
      <h2 className="state-title">{t('chooser.title', { n: candidates.length })}</h2>
      <p className="state-body">{t('chooser.body')}</p>
      <ol className="candidates">
        {candidates.map((c, i) => (
          <li key={c.customerId}>
            <button
              type="button"
              className="candidate"
              data-testid="pop-candidate"
              data-customer-id={c.customerId}
              onClick={() => void openCustomer(c.customerId, 'chooser')}
            >
              {i < 9 && <kbd className="candidate-key">{i + 1}</kbd>}
              <span className="candidate-who">
                <span className="candidate-name">{c.name}</span>
                <span className="candidate-company">{c.company || '—'}</span>
              </span>
              <span className="candidate-where">{c.country ? f.country(c.country) : ''}</span>
              <span className="candidate-last">
                {c.lastPurchaseAt ? t('chooser.lastPurchase', { date: f.date(c.lastPurchaseAt) }) : t('chooser.noPurchase')}
              </span>
              <span className="candidate-id">{c.customerId}</span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
