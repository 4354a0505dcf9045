// callEvent.record — hold / resume of a call, from the desktop that held it (raw event, by id).
import { CallEventPayload } from '../../../src-shared/agent-state/call-events';
import { recordEvents } from '../../agents/events';
import { defineKind } from './types';

export const callEventRecord = defineKind({
  payload: CallEventPayload,
  async apply(ctx, p) {
    await recordEvents(ctx.q, [{
      id: p.eventId, at: new Date(p.at).toISOString(), kind: p.kind, source: 'desktop', callId: p.callId, agent: ctx.user.name,
    }]);
  },
});
