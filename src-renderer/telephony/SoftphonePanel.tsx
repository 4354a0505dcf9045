// The softphone column: call cards, dialling (typed or from the pop's phones), settings.
// Mounting it starts the softphone (once per page).
import { useEffect, useLayoutEffect, useState, type FormEvent } from 'react';
import { PhoneIcon } from '../app/icons';
import { displayPhone } from '../pop/phone';
import { usePop } from '../pop/store';
import { CallCards } from './CallCards';
import { callOfPop } from '../pop/callPops';
import { markPaintedNextFrame } from './popMarks';
import { softphone } from './softphone';
import { SoftphoneSettings } from './SoftphoneSettings';
import { useTelephony } from './store';
import { useT } from '../i18n';
import './telephony.css';

/** Marks `pop-painted:<callId>` in the frame after React committed a softphone call's pop. */
function PopPaintProbe() {
  const call = usePop((s) => s.call);
  useLayoutEffect(() => {
    if (!call || call.status === 'loading') return;
    const callId = callOfPop(call.id);
    if (callId) markPaintedNextFrame(callId);
  }, [call]);
  return null;
}

function DialBox() {
  const t = useT();
  const [number, setNumber] = useState('');
  const registered = useTelephony((s) => s.reg.kind === 'registered');
  const selected = usePop((s) => s.selected);
  const pop = selected?.status === 'done' ? selected.pop : null;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (number.trim()) void softphone.dial(number.trim());
  };
  return (
    <div className="dial">
      <form className="dial-form" onSubmit={onSubmit}>
        <input
          className="input"
          data-testid="dial-input"
          inputMode="tel"
          autoComplete="off"
          spellCheck={false}
          placeholder={t('dial.placeholder')}
          aria-label={t('dial.placeholder')}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button type="submit" className="btn btn-call" data-testid="dial-call" disabled={!registered || !number.trim()} title={registered ? undefined : t('dial.notReady')}>
          <PhoneIcon size={14} /> {t('dial.call')}
        </button>
      </form>
      {pop && pop.customer.phones.length > 0 && (
        <div className="dial-customer" data-testid="dial-customer" data-customer-id={pop.customer.customerId}>
          <span className="field-label">{t('dial.customer', { name: pop.customer.name })}</span>
          <div className="dial-phones">
            {pop.customer.phones.map((p) => (
              <button
                key={p.e164}
                type="button"
                className="btn btn-small dial-phone"
                data-testid="dial-phone"
                data-phone={p.e164}
                disabled={!registered}
                title={registered ? p.label : t('dial.notReady')}
                onClick={() => void softphone.dial(p.e164, { customerId: pop.customer.customerId, customerName: pop.customer.name })}
              >
                <PhoneIcon size={12} /> <span className="num">{displayPhone(p.e164)}</span>
                {p.label && <span className="muted">{p.label}</span>}
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

export function SoftphonePanel() {
  const t = useT();
  const settingsOpen = useTelephony((s) => s.settingsOpen);
  // wrong credentials or settings: the form opens by itself (not set up at all: the badge offers it)
  const unconfigured = useTelephony((s) => s.reg.kind === 'failed' && s.reg.reason !== 'other');
  useEffect(() => {
    softphone.start();
  }, []);
  return (
    <section className="softphone" data-testid="softphone" aria-labelledby="softphone-title">
      <PopPaintProbe />
      <div className="softphone-head">
        <h2 id="softphone-title" className="side-title">{t('calls.title')}</h2>
        <button
          type="button"
          className={`btn btn-link btn-small${settingsOpen ? ' is-on' : ''}`}
          data-testid="sip-settings-toggle"
          aria-expanded={settingsOpen || unconfigured}
          onClick={() => useTelephony.setState({ settingsOpen: !settingsOpen })}
        >
          {t('settings.open')}
        </button>
      </div>
      <CallCards />
      <DialBox />
      {(settingsOpen || unconfigured) && <SoftphoneSettings />}
    </section>
  );
}
