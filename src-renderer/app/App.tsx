import { useEffect } from 'react';
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
