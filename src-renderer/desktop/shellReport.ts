// What the page tells the desktop shell (Electron): the softphone's registration and live calls,
// and whether the case on screen is in wrap-up. The tray shows it, closing the window hides to
// the tray while signed in, and updates wait for idle. Pure, so it is tested without a page.
import type { SoftphoneReport } from '../../src-shared/desktop/presence';
import type { CallView, RegState } from '../telephony/store';

export function shellReportOf(reg: RegState, calls: readonly Pick<CallView, 'state'>[], caseStatus: string | null): SoftphoneReport {
  return {
    registration: reg.kind,
    calls: calls.filter((c) => c.state !== 'ended').length,
    wrapUp: caseStatus === 'wrap_up' ? 1 : 0,
  };
}

export function sameReport(a: SoftphoneReport | null, b: SoftphoneReport): boolean {
  return a !== null && a.registration === b.registration && a.calls === b.calls && a.wrapUp === b.wrapUp;
}
