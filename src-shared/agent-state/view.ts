// The agent's state as the desktop's header shows it: what the contract carries (query
// `agentState`, event `agentState`). The machine behind it: machine.ts.
import { z } from 'zod';
import { AgentState, ChosenState, StateCause } from './states';

export const AgentStateView = z.object({
  state: AgentState,
  /** Break: the reason's code; offline: why ("softphone not registered", "signed out"). */
  reason: z.string().nullable(),
  /** When this state began (ISO): the header counts from it. */
  since: z.string(),
  cause: StateCause,
  /** Who set it: a supervisor's name (cause supervisor), the agent's own name, or null. */
  setBy: z.string().nullable(),
  /** The call that drove ringing / oncall / wrapup. */
  callId: z.string().nullable(),
  /** Where the agent returns after calls and wrap-up (what they or a supervisor last chose). */
  chosen: z.object({ state: ChosenState, reason: z.string().nullable() }),
  /** The softphone's registration; null: no softphone configured (no forced offline). */
  registered: z.boolean().nullable(),
  /** The open wrap-up: until when (null: until its case is submitted). */
  wrapUp: z.object({ callId: z.string(), until: z.string().nullable() }).nullable(),
  /** Changes reach a hub (false: no hub configured, states are kept on this computer only). */
  hub: z.boolean(),
});
export type AgentStateView = z.infer<typeof AgentStateView>;
