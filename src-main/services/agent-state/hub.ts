// What the desktop asks the hub about agent states, on start and on each (re)connect of the live
// socket: who am I (GET /v1/me), my state as the hub knows it (GET /v1/agents/<me>/state: a
// supervisor may have changed it while this desktop was away) and the break reasons
// (GET /v1/break-reasons). Each answer is checked with zod; one that fails or is malformed is
// null, and the desktop goes on with what it has (cached reasons, its own state).
import { z } from 'zod';
import { AgentStatus, BreakReason, ChosenState } from '../../../src-shared/agent-state/states';
import { OFFLINE_NOT_REGISTERED } from '../../../src-shared/agent-state/machine';

export interface HubLink {
  hubUrl: string;
  token: string;
  /** Tests hand in a fake; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface HubAgentState {
  me: string | null;
  status: AgentStatus | null;
  reasons: BreakReason[] | null;
}

const Me = z.object({ name: z.string().min(1) });
const Reasons = z.object({ reasons: z.array(BreakReason).min(1) });

async function getJson<T>(doFetch: typeof fetch, url: string, token: string, schema: z.ZodType<T>): Promise<T | null> {
  try {
    const res = await doFetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return null;
    const parsed = schema.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads the three; `knownMe`: the name cached from an earlier start (used when /v1/me fails). */
export async function fetchHubAgentState(link: HubLink, opts: { knownMe?: string | null } = {}): Promise<HubAgentState> {
  const doFetch = link.fetch ?? fetch;
  const base = link.hubUrl.replace(/\/+$/, '');
  const [me, reasons] = await Promise.all([
    getJson(doFetch, `${base}/v1/me`, link.token, Me),
    getJson(doFetch, `${base}/v1/break-reasons`, link.token, Reasons),
  ]);
  const name = me?.name ?? opts.knownMe ?? null;
  const status = name ? await getJson(doFetch, `${base}/v1/agents/${encodeURIComponent(name)}/state`, link.token, AgentStatus) : null;
  return { me: name, status, reasons: reasons?.reasons ?? null };
}

/** A state the hub says someone chose for this agent. */
export interface HubChoice {
  state: ChosenState;
  reason: string | null;
  since: string;
  setBy: string;
}

/**
 * What the desktop adopts of the hub's answer: a state a person chose (available, break,
 * offline) for this agent, by someone else (a supervisor, or the PBX's "missed call" break), and
 * newer than the desktop's own last choice (`chosenAt`: a change made while this desktop was
 * closed counts; one the agent overrode since does not). The hub reads Offline ("softphone not
 * registered") for an agent whose softphone is not registered: that is its check, not a choice,
 * and the state chosen is `desktopState` with `desktopReason` (a hub without that field: such a
 * break is not adopted; the live socket carries it with its reason).
 */
export function hubStateToAdopt(status: AgentStatus | null, me: string | null, chosenAt: string): HubChoice | null {
  if (!status || !status.setBy || status.setBy === me) return null;
  const unregistered = status.state === 'offline' && status.reason === OFFLINE_NOT_REGISTERED;
  const state = ChosenState.safeParse(unregistered ? status.desktopState : status.state);
  if (!state.success) return null;
  const reason = unregistered ? status.desktopReason ?? null : status.reason;
  if (unregistered && (state.data === 'offline' || (state.data === 'break' && !reason))) return null;
  if (!(Date.parse(status.since) > Date.parse(chosenAt))) return null;
  return { state: state.data, reason, since: status.since, setBy: status.setBy };
}
