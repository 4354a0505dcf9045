// One icon per agent state, so the state reads without its colour (inline SVG, like app/icons.tsx).
import type { AgentState } from '../../src-shared/agent-state/states';
import type { ReactElement } from 'react';

const PATHS: Record<AgentState, ReactElement> = {
  // a check in a circle: ready
  available: (
    <>
      <circle cx="12" cy="12" r="9.5" />
      <path d="m7.5 12.5 3 3 6-6.5" />
    </>
  ),
  // a handset with waves: ringing
  ringing: (
    <>
      <path d="M20 15.6v2.6a1.8 1.8 0 0 1-2 1.8 17.6 17.6 0 0 1-7.6-2.7 17.3 17.3 0 0 1-5.3-5.3A17.6 17.6 0 0 1 2.4 4.4 1.8 1.8 0 0 1 4.2 2.4h2.6a1.8 1.8 0 0 1 1.8 1.5c.1.8.3 1.6.6 2.4a1.8 1.8 0 0 1-.4 1.9L7.7 9.3a14 14 0 0 0 5.3 5.3l1.1-1.1a1.8 1.8 0 0 1 1.9-.4c.8.3 1.6.5 2.4.6a1.8 1.8 0 0 1 1.6 1.9z" />
      <path d="M15 2.5a7 7 0 0 1 6.5 6.5" />
      <path d="M15 6a3.5 3.5 0 0 1 3 3" />
    </>
  ),
  // a handset: talking
  oncall: (
    <path d="M21 16.4v2.8a1.9 1.9 0 0 1-2.1 1.9 18.6 18.6 0 0 1-8.1-2.9 18.3 18.3 0 0 1-5.6-5.6A18.6 18.6 0 0 1 2.3 4.5a1.9 1.9 0 0 1 1.9-2.1H7a1.9 1.9 0 0 1 1.9 1.6c.1.9.4 1.7.7 2.5a1.9 1.9 0 0 1-.4 2L8 9.7a15 15 0 0 0 5.6 5.6l1.2-1.2a1.9 1.9 0 0 1 2-.4c.8.3 1.6.6 2.5.7a1.9 1.9 0 0 1 1.7 2z" />
  ),
  // a pencil on a sheet: after-call work
  wrapup: (
    <>
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
    </>
  ),
  // a cup: break
  break: (
    <>
      <path d="M17 8h1a4 4 0 0 1 0 8h-1" />
      <path d="M3 8h14v9a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4z" />
      <path d="M6 2v2M10 2v2M14 2v2" />
    </>
  ),
  // a power symbol: offline
  offline: (
    <>
      <path d="M12 2v10" />
      <path d="M18.4 6.6a9 9 0 1 1-12.8 0" />
    </>
  ),
};

export function StateIcon({ state, size = 18 }: { state: AgentState; size?: number }) {
  return (
    <svg
      className="as-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[state]}
    </svg>
  );
}
