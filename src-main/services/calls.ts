// Call history in the local store: written when the INVITE arrives (in the same host call that
// looks the caller up, so the pop costs one round trip) and updated as the call moves on.
import type { Sqlite } from '../db/store';
import { calls } from '../db/schema';
import { rawStatement } from '../db/queries/typed';
import { failureReasonText, type CallEvent, type CallOutcome, type CallRecord } from '../../src-shared/telephony/calls';
import type { LookupResult } from '../../src-shared/pop/schema';

export interface OfferedCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  remoteRaw: string;
  remoteDisplay: string;
  line: string;
  forwardedBy: string | null;
}

/** What a call record keeps of the caller's lookup. */
export interface OfferedMatch {
  normalized: string | null;
  matchKind: LookupResult['match'];
  customerId: string | null;
}

/** `customerId` names the customer when the agent chose them (click-to-dial from a pop). */
export function offeredMatch(result: LookupResult, customerId: string | null = null): OfferedMatch {
  return {
    normalized: result.normalized,
    matchKind: result.match,
    customerId: customerId ?? (result.match === 'single' ? result.pop?.customer.customerId ?? null : null),
  };
}

export class CallService {
  private insert;
  private get;
  private update;
  private list;

  constructor(sqlite: Sqlite, private now: () => Date = () => new Date()) {
    this.insert = sqlite.prepare(`
      INSERT INTO calls (call_id, direction, remote_raw, remote_display, remote_e164, match_kind, customer_id,
        line, forwarded_by, offered_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (call_id) DO NOTHING`);
    this.get = rawStatement(sqlite, 'SELECT answered_at, outcome FROM calls WHERE call_id = ?', [calls.answeredAt, calls.outcome]);
    this.update = sqlite.prepare(`
      UPDATE calls SET answered_at = coalesce(?, answered_at), ended_at = coalesce(?, ended_at),
        outcome = coalesce(?, outcome), customer_id = coalesce(?, customer_id), failure_reason = coalesce(?, failure_reason),
        updated_at = ?
      WHERE call_id = ?`);
    this.list = rawStatement(sqlite, `
      SELECT call_id, direction, remote_raw, remote_display, remote_e164, match_kind, customer_id, line,
        forwarded_by, offered_at, answered_at, ended_at, outcome, failure_reason
      FROM calls ORDER BY offered_at DESC, rowid DESC LIMIT ?`, [
      calls.callId, calls.direction, calls.remoteRaw, calls.remoteDisplay, calls.remoteE164, calls.matchKind, calls.customerId, calls.line,
      calls.forwardedBy, calls.offeredAt, calls.answeredAt, calls.endedAt, calls.outcome, calls.failureReason,
    ]);
  }

  /** An offered call, with the few fields of its lookup it keeps (offeredMatch). */
  record(call: OfferedCall, match: OfferedMatch): void {
    const at = this.now().toISOString();
    this.insert.run(call.callId, call.direction, call.remoteRaw, call.remoteDisplay, match.normalized,
      match.matchKind, match.customerId, call.line, call.forwardedBy, at, at);
  }

  /**
   * Moves a call on. Outcomes are final once set, except that an answered call stays "answered"
   * when it ends. A ringing call that ends without answer: the caller hung up (abandoned) when we
   * hear a CANCEL, otherwise it was missed (e.g. answered elsewhere or timed out). `reason` is
   * kept only with the event that makes the call `failed` (why the softphone could not answer or
   * place it); a late one never rewrites it.
   */
  progress(callId: string, event: CallEvent, customerId?: string | null, reason?: string | null): boolean {
    const row = this.get.get(callId);
    if (!row) return false;
    const [answeredAt, outcome] = row;
    const at = this.now().toISOString();
    const final = outcome !== null;
    let answered: string | null = null, ended: string | null = null, next: CallOutcome | null = null, why: string | null = null;
    switch (event) {
      case 'answered':
        if (!final && !answeredAt) answered = at;
        if (!final) next = 'answered';
        break;
      case 'ended':
        ended = at;
        if (!final) next = answeredAt ? 'answered' : 'missed';
        break;
      case 'cancelled':
        ended = at;
        if (!final) next = 'abandoned';
        break;
      case 'declined':
        ended = at;
        if (!final) next = 'declined';
        break;
      case 'failed':
        ended = at;
        if (!final) next = 'failed';
        if (!final && reason) why = failureReasonText(reason);
        break;
    }
    this.update.run(answered, ended, next, customerId ?? null, why || null, at, callId);
    return true;
  }

  recent(limit = 100): CallRecord[] {
    return this.list.all(limit).map(([callId, direction, remoteRaw, remoteDisplay, remoteE164, matchKind, customerId, line, forwardedBy, offeredAt, answeredAt, endedAt, outcome, failureReason]) => ({
      callId, direction, remoteRaw, remoteDisplay, remoteE164, matchKind, customerId, line, forwardedBy, offeredAt, answeredAt, endedAt, outcome, failureReason,
    }));
  }
}
