import { useEffect, useRef } from 'react';
import { bridge } from '../bridge';
import { PopView } from '../pop/PopView';
import { CasePanel } from '../cases/CasePanel';
import { usePop } from '../pop/store';
import { SimulatePanel, ring } from '../simulate/SimulatePanel';
import { SoftphonePanel } from '../telephony/SoftphonePanel';
import { DesktopShell } from '../desktop/DesktopShell';
import { DemoBanner, Header } from './Header';
import { focusOrRing, focusSearch } from './shortcuts';
import { useStatus } from './statusStore';
import { SupervisorEntry } from '../supervisor/SupervisorEntry';
import { QueuesView } from '../supervisor/QueuesView';
import { useSupervisor } from '../supervisor/store';
import { SignInScreen } from '../signin/SignInScreen';
import { NoCustomersBanner } from '../signin/AccountMenu';
import { followSession, useSession } from '../signin/store';
import { reprovisionWhenIdle } from '../signin/provision';

/**
 * The sign-in screen when the app needs one (a preset hub, an expired session: issue 20), else
 * the app. Until the host has said which (a few ms), nothing is drawn, so no screen flashes.
 */
export function Root() {
  const view = useSession((s) => s.view);
  const failed = useSession((s) => s.failed);
  const formOpen = useSession((s) => s.formOpen);
  // once drawn, the app stays mounted: a session expiring during a call covers it, never ends the call
  const appShown = useRef(false);
  useEffect(() => followSession(reprovisionWhenIdle), []);
  if (!view && !failed) return null;
  if (view?.required && !appShown.current) return <SignInScreen />;
  appShown.current = true;
  return (
    <>
      <App />
      {view?.required ? <SignInScreen /> : formOpen && <SignInScreen onCancel={() => useSession.getState().openForm(false)} />}
    </>
  );
}

export function App() {
  const queuesOpen = useSupervisor((s) => s.open);
  useEffect(() => {
    void useStatus.getState().refresh();
    return bridge.on('storeChanged', () => {
      void useStatus.getState().refresh();
      void usePop.getState().refreshOnScreen();
    });
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 'k' && !e.shiftKey) {
        e.preventDefault();
        focusSearch();
      } else if (key === 's' && e.shiftKey) {
        e.preventDefault();
        focusOrRing(() => ring());
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <Header />
      <DemoBanner />
      <NoCustomersBanner />
      <DesktopShell />
      <SupervisorEntry />
      <div className="workspace">
        <div className="sidebar">
          <SoftphonePanel />
          <SimulatePanel />
        </div>
        {/* the pop stays mounted behind the Queues view (a call's pop and case keep their state) */}
        <main className="main" hidden={queuesOpen}>
          <PopView />
          <CasePanel />
        </main>
        {queuesOpen && <QueuesView />}
      </div>
    </div>
  );
}
