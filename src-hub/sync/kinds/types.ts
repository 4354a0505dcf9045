// The mutation-kind registry contract. A kind = a payload schema (src-shared/sync/protocol.ts,
// MutationPayloads) + an apply function that runs inside the push transaction.
import type { z } from 'zod';
import type { Entity } from '../../../src-shared/sync/protocol';
import type { Queryable } from '../../db/store';
import type { AuthUser, Scope } from '../../scope';

/** A permanent refusal: recorded as `rejected` with this reason; later mutations go on. */
export class Rejection extends Error {}

export interface ApplyContext {
  q: Queryable;
  user: AuthUser;
  scope: Scope;
  /** Hub time of this push (one value for the whole batch). */
  now: Date;
  /**
   * Records the new live state of a row for the change log (wire JSON of EntityData[entity]).
   * Written with the other changes of the batch at the end of the push, in commit order;
   * dropped if this mutation is rejected.
   */
  change(entity: Entity, key: string, bucket: string, data: string): void;
}

export interface MutationKindDef<S extends z.ZodType = z.ZodType> {
  payload: S;
  /** Applies a validated payload. Throw Rejection for permanent refusals. */
  apply(ctx: ApplyContext, payload: z.infer<S>): Promise<void>;
}

export function defineKind<S extends z.ZodType>(def: MutationKindDef<S>): MutationKindDef<S> {
  return def;
}
