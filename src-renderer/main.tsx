import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './app/App';
import { followCallCases } from './cases/callCases';
import { followCallPops } from './pop/callPops';
import { callEvents } from './telephony/callEvents';
import './app/app.css';
import './pop/pop.css';
import './simulate/simulate.css';

// The softphone only emits call events; the pop and the cases follow them from before the
// first render, so no call can ring unseen.
followCallPops(callEvents);
followCallCases(callEvents);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
