// The registry of push mutation kinds: kind name → payload schema + apply function.
// To add one (offer.outcome, agent.event, …): put its payload schema in
// MutationPayloads (src-shared/sync/protocol.ts), write `defineKind({ payload, apply })` in a
// file next to this one, and list it here. The `satisfies` keeps both lists in step.
import type { MutationKind } from '../../../src-shared/sync/protocol';
import { agentStateSet } from './agent-state';
import { callEventRecord } from './call-event';
import { caseSubmit } from './case-submit';
import { contactCreate } from './contact';
import { customerNoteUpsert } from './customer-note';
import type { MutationKindDef } from './types';

export const KINDS = {
  'customerNote.upsert': customerNoteUpsert,
  'contact.create': contactCreate,
  'case.submit': caseSubmit,
  'agentState.set': agentStateSet,
  'callEvent.record': callEventRecord,
} satisfies Record<MutationKind, MutationKindDef>;

export function kindOf(name: string): MutationKindDef | null {
  return Object.prototype.hasOwnProperty.call(KINDS, name) ? (KINDS as Record<string, MutationKindDef>)[name]! : null;
}

export { Rejection } from './types';
export type { ApplyContext, MutationKindDef } from './types';
