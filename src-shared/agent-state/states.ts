// Agent states: the one definition the desktop, the hub and the PBX link share.
//
//   available  ready for the next queue call (the agent sets it)
//   ringing    a call is offered to the agent           (calls drive it)
//   oncall     talking (incl. hold)                      (calls drive it)
//   wrapup     after-call work: until the case is submitted or the queue's wrap-up limit
//   break      not taking queue calls, with a reason from the hub's list (the agent sets it)
//   offline    signed out, or the softphone is not registered
//
// Who may set what: the agent sets available and break (and offline by signing out); calls set
// ringing / oncall / wrapup; a supervisor (their team) or an admin may set any of available,
// break, offline for an agent (PUT /v1/agents/:name/state) and the desktop follows.
import { z } from 'zod';

export const AGENT_STATES = ['available', 'ringing', 'oncall', 'wrapup', 'break', 'offline'] as const;
export const AgentState = z.enum(AGENT_STATES);
export type AgentState = z.infer<typeof AgentState>;

/** The states a person (agent or supervisor) may choose; the others follow calls and registration. */
export const CHOSEN_STATES = ['available', 'break', 'offline'] as const satisfies readonly AgentState[];
export const ChosenState = z.enum(CHOSEN_STATES);
export type ChosenState = z.infer<typeof ChosenState>;

/** Why the state changed: the agent, a call, the wrap-up limit, a supervisor, signing out, the softphone. */
export const STATE_CAUSES = ['agent', 'call', 'timer', 'supervisor', 'signout', 'registration'] as const;
export const StateCause = z.enum(STATE_CAUSES);
export type StateCause = z.infer<typeof StateCause>;

/** A break reason configured at the hub (`pronto-hub break-reasons set`); the desktop caches the list. */
export const BreakReason = z.object({
  code: z.string().min(1).max(40).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _'),
  labelEn: z.string().min(1).max(80),
  labelIt: z.string().min(1).max(80),
});
export type BreakReason = z.infer<typeof BreakReason>;

/** Shipped defaults (the hub seeds these; a desktop that never reached a hub offers them). */
export const DEFAULT_BREAK_REASONS: readonly BreakReason[] = [
  { code: 'lunch', labelEn: 'Lunch', labelIt: 'Pranzo' },
  { code: 'training', labelEn: 'Training', labelIt: 'Formazione' },
  { code: 'meeting', labelEn: 'Meeting', labelIt: 'Riunione' },
  { code: 'technical', labelEn: 'Technical problem', labelIt: 'Problema tecnico' },
  { code: 'missed-call', labelEn: 'Missed call', labelIt: 'Chiamata persa' },
  { code: 'other', labelEn: 'Other', labelIt: 'Altro' },
];

const Instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO 8601 date-time');

/**
 * push kind `agentState.set`: one state change made on a desktop, with its ORIGINAL time. Sent
 * through the outbox (exactly once, in order); `eventId` is also the raw event's id at the hub.
 */
export const AgentStateSetPayload = z.object({
  eventId: z.uuid(),
  state: AgentState,
  /** The break reason code (break), or why offline ("signed out", "softphone not registered"). */
  reason: z.string().max(80).nullable(),
  at: Instant,
  cause: StateCause,
  /** The call that drove it (ringing / oncall / wrapup). */
  callId: z.string().max(200).nullable().default(null),
});
export type AgentStateSetPayload = z.infer<typeof AgentStateSetPayload>;

/** PUT /v1/agents/:name/state body (supervisor of the agent's team, or admin). */
export const SetAgentStateBody = z.object({ state: ChosenState, reason: z.string().max(80).nullable().optional() }).strict();
export type SetAgentStateBody = z.infer<typeof SetAgentStateBody>;

/** One agent as the hub knows it (GET /v1/agents, GET /v1/agents/:name/state). */
export const AgentStatus = z.object({
  name: z.string(),
  extension: z.string().nullable(),
  team: z.string().nullable(),
  /** The effective state: an agent who chose available but whose softphone is not registered is offline. */
  state: AgentState,
  reason: z.string().nullable(),
  since: Instant,
  /** Who set it: the agent's own name, a supervisor's name, or "pbx". */
  setBy: z.string().nullable(),
  /** The state the agent's desktop last reported (before the registration check), and its reason. */
  desktopState: AgentState,
  desktopReason: z.string().nullable().optional(),
  registered: z.boolean(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** Live-socket message from the hub to a desktop: someone else changed your state; GET it. */
export const AgentStatePoke = z.object({ type: z.literal('agentState'), state: AgentState, reason: z.string().nullable(), since: Instant, setBy: z.string().nullable() });
export type AgentStatePoke = z.infer<typeof AgentStatePoke>;

/** Break is the only state that needs a reason; offline's reason is informative. */
export function needsReason(state: AgentState): boolean {
  return state === 'break';
}
