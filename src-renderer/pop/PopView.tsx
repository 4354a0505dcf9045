// The pop root: the current call and whatever the agent needs to see for it.
// Test hooks (contract): data-testid="pop", data-match, data-customer-id.
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { MatchKind } from '../../src-shared/pop/schema';
import { useT, type StringKey } from '../i18n';
import { markPainted } from '../app/perf';
import { PhoneIcon } from '../app/icons';
import { focusSearch } from '../app/shortcuts';
import { Chooser } from './Chooser';
import { CustomerPop } from './CustomerPop';
import { InvalidCaller, UnknownCaller, WithheldCaller } from './Notices';
import { displayPhone } from './phone';
import { usePop, type CallState, type SelectedState } from './store';

const matchKey = (m: MatchKind): StringKey => `match.${m}`;

function CallStrip({ call, selected }: { call: CallState | null; selected: SelectedState | null }) {
  const t = useT();
  const lastPopMs = usePop((s) => s.lastPopMs);
  const backToChooser = usePop((s) => s.backToChooser);
  const result = call?.result ?? null;
  const showBack = result?.match === 'multiple' && selected?.source === 'chooser';
  const shown = result?.normalized ? displayPhone(result.normalized) : call?.raw || '—';
  return (
    <div className="callstrip" data-testid="pop-call" aria-live="polite">
      {call ? (
        <>
          <span className={`callstrip-dot${call.status === 'loading' ? ' is-ringing' : ''}`} aria-hidden="true" />
          <span className="callstrip-label">{t('pop.incoming')}</span>
          <span className="callstrip-number" data-testid="pop-caller-identity">{shown}</span>
          {result && (
            <span className={`match match-${result.match}`} data-testid="pop-match-kind">
              {t(matchKey(result.match))}
            </span>
          )}
          {selected?.source === 'chooser' && result && (
            <span className="muted">{t('pop.openedFromChooser', { n: result.candidates.length })}</span>
          )}
          {selected?.source === 'search' && <span className="muted">{t('pop.openedFromSearch')}</span>}
          {showBack && (
            <button type="button" className="btn btn-link" onClick={backToChooser} data-testid="pop-back-to-chooser">
              ← {t('pop.backToChooser', { n: result.candidates.length })}
            </button>
          )}
          <span className="spacer" />
          {lastPopMs !== null && (
            <span className="callstrip-timing" data-testid="pop-timing">{t('pop.poppedIn', { ms: lastPopMs.toFixed(0) })}</span>
          )}
        </>
      ) : selected ? (
        <span className="callstrip-label">{t('pop.openedFromSearch')}</span>
      ) : null}
    </div>
  );
}

function Idle() {
  const t = useT();
  const body = t('pop.idle.body', { simulate: '\u0000', search: '\u0001' });
  const [a, rest = ''] = body.split('\u0000');
  const [b, c] = rest.split('\u0001');
  return (
    <div className="state state-idle">
      <PhoneIcon className="state-icon" size={44} strokeWidth={1.6} />
      <h2 className="state-title">{t('pop.idle.title')}</h2>
      <p className="state-body">
        {a}
        <kbd>{t('simulate.shortcut')}</kbd>
        {b}
        <kbd>{t('search.shortcut')}</kbd>
        {c}
      </p>
    </div>
  );
}

function Loading({ raw }: { raw: string }) {
  const t = useT();
  return (
    <div className="state state-loading" aria-busy="true">
      <p className="state-body">{t('pop.loading', { number: raw })}</p>
    </div>
  );
}

export function PopView() {
  const t = useT();
  const call = usePop((s) => s.call);
  const selected = usePop((s) => s.selected);
  const startCall = usePop((s) => s.startCall);
  const setLastPopMs = usePop((s) => s.setLastPopMs);
  const result = call?.status === 'done' ? call.result : null;

  // pop-painted: the first commit that shows a call's answer, in the next animation frame.
  const paintedFor = useRef(0);
  useLayoutEffect(() => {
    if (!call || call.status === 'loading' || paintedFor.current === call.id) return;
    paintedFor.current = call.id;
    const id = call.id;
    requestAnimationFrame(() => {
      const ms = markPainted();
      if (usePop.getState().call?.id === id) setLastPopMs(ms);
    });
  }, [call, setLastPopMs]);

  // Unknown, withheld or invalid caller: the next thing the agent does is search.
  useEffect(() => {
    if (result && !selected && (result.match === 'none' || result.match === 'withheld' || result.match === 'invalid')) {
      focusSearch();
    }
  }, [result, selected]);

  let match: MatchKind | '' = '';
  if (call) match = result?.match ?? '';
  else if (selected) match = 'none'; // opened from a search without a call
  const customerId = selected?.status === 'done' && selected.pop ? selected.pop.customer.customerId : '';
  const state = !call && !selected ? 'idle' : call?.status === 'loading' || selected?.status === 'loading' ? 'loading' : call?.status === 'error' || selected?.status === 'error' ? 'error' : 'ready';

  let body: ReactNode;
  if (selected) {
    if (selected.pop) body = <CustomerPop pop={selected.pop} callerE164={result?.normalized ?? null} />;
    else if (selected.status === 'loading') body = <Loading raw={selected.customerId} />;
    else if (selected.status === 'missing') body = <div className="state"><p className="state-body">{t('pop.notFound')}</p></div>;
    else
      body = (
        <div className="state state-error" role="alert">
          <p className="state-body">{t('pop.error', { msg: selected.error ?? '' })}</p>
        </div>
      );
  } else if (!call) body = <Idle />;
  else if (call.status === 'loading') body = <Loading raw={call.raw} />;
  else if (call.status === 'error')
    body = (
      <div className="state state-error" role="alert">
        <p className="state-body">{t('pop.error', { msg: call.error ?? '' })}</p>
        <button type="button" className="btn" onClick={() => void startCall(call.raw)}>{t('pop.retry')}</button>
      </div>
    );
  else if (result) {
    switch (result.match) {
      case 'multiple':
        body = <Chooser candidates={result.candidates} />;
        break;
      case 'none':
        body = <UnknownCaller e164={result.normalized} raw={call.raw} />;
        break;
      case 'withheld':
        body = <WithheldCaller />;
        break;
      case 'invalid':
        body = <InvalidCaller raw={call.raw} />;
        break;
      case 'single':
        // single without a pop should not happen; show the search prompt rather than nothing.
        body = <UnknownCaller e164={result.normalized} raw={call.raw} />;
        break;
    }
  }

  return (
    <section
      className={`pop pop-${match || 'idle'}`}
      data-testid="pop"
      data-match={match}
      data-customer-id={customerId}
      data-state={state}
      data-source={selected?.source ?? ''}
    >
      {(call || selected) && <CallStrip call={call} selected={selected} />}
      <div className="pop-body">{body}</div>
    </section>
  );
}
