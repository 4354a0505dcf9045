// The page's side of the desktop shell (Electron only; renders nothing in the web host):
// - reports the softphone's registration and live calls (tray, close-to-tray, update policy);
// - a tel:/sip: link from another app arrives as `dialRequest`: the agent confirms, then the
//   softphone dials it. Nothing is dialled without that click.
import { useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../src-shared/api/contract';
import type { SoftphoneReport } from '../../src-shared/desktop/presence';
import { bridge } from '../bridge';
import { useCases } from '../cases/store';
import { useT } from '../i18n';
import { softphone } from '../telephony/softphone';
import { useTelephony } from '../telephony/store';
import { sameReport, shellReportOf } from './shellReport';
import './desktop.css';

type DialRequest = EventPayload<'dialRequest'>;

export function DesktopShell() {
  const t = useT();
  const [request, setRequest] = useState<DialRequest | null>(null);
  const [failed, setFailed] = useState(false);
  const sent = useRef<SoftphoneReport | null>(null);
  const registered = useTelephony((s) => s.reg.kind === 'registered');

  useEffect(() => {
    if (bridge.kind !== 'electron') return;
    // Listen first, then report: the shell sends the links that waited once the page reports.
    const offDial = bridge.on('dialRequest', (r) => {
      setFailed(false);
      setRequest(r);
    });
    const report = () => {
      const tel = useTelephony.getState();
      const next = shellReportOf(tel.reg, tel.calls, useCases.getState().current?.status ?? null);
      if (sameReport(sent.current, next)) return;
      sent.current = next;
      bridge.invoke('shellReport', next).catch(() => {
        sent.current = null; // try again with the next change
      });
    };
    report();
    const offTel = useTelephony.subscribe(report);
    const offCases = useCases.subscribe(report);
    return () => {
      offDial();
      offTel();
      offCases();
    };
  }, []);

  if (!request) return null;
  const dial = async () => {
    const id = await softphone.dial(request.target);
    if (id === null) setFailed(true);
    else setRequest(null);
  };
  return (
    <div className="dial-request" role="alertdialog" aria-labelledby="dial-request-text" data-testid="dial-request" data-target={request.target}>
      <span id="dial-request-text">{t('link.confirm', { who: request.display || request.target })}</span>
      {failed && <span className="small is-error">{t('link.failed')}</span>}
      <button type="button" className="btn btn-primary btn-small" data-testid="dial-request-call" disabled={!registered} title={registered ? undefined : t('dial.notReady')} onClick={() => void dial()}>
        {t('link.call')}
      </button>
      <button type="button" className="btn btn-small" data-testid="dial-request-cancel" onClick={() => setRequest(null)}>
        {t('link.cancel')}
      </button>
    </div>
  );
}
