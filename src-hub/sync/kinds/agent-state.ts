// agentState.set — one agent-state change made on a desktop, with its original time. Arrives
// through the outbox (exactly once, in order); `eventId` is the raw event's id, so a retry records
// nothing twice. A late change (older than the state the hub holds, e.g. a supervisor's newer one)
// is recorded as an event but does not move the current state.
import { AgentStateSetPayload } from '../../../src-shared/agent-state/states';
import { applyStateChange, checkBreakReason } from '../../agents/states';
import { AdminError } from '../../admin';
import { defineKind, Rejection } from './types';

export const agentStateSet = defineKind({
  payload: AgentStateSetPayload,
  async apply(ctx, p) {
    if (p.state === 'break') {
      try {
        await checkBreakReason(ctx.q, p.reason);
      } catch (e) {
        // an unknown reason (a list changed while offline) is kept as given: the break happened
        if (!(e instanceof AdminError) || !p.reason) throw new Rejection(`reason: a break needs a reason`);
      }
    }
    const at = new Date(p.at).toISOString();
    await applyStateChange(ctx.q, ctx.user.id, {
      state: p.state, reason: p.reason, at, setBy: ctx.user.name,
      event: {
        id: p.eventId, at, kind: 'agent.state', source: 'desktop', callId: p.callId, agent: ctx.user.name,
        data: { state: p.state, reason: p.reason, cause: p.cause, setBy: ctx.user.name },
      },
    });
  },
});
