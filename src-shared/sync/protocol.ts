// The hub ⇄ desktop sync protocol: every wire shape, as zod schemas. The hub validates with
// them and the desktop client imports them; change a shape here and both sides see it.
//
// PULL — GET /v1/sync/pull?after=N&limit=L[&scope=S][&total=1]      (Authorization: Bearer …)
//   Response: NDJSON (gzip when the request accepts it), one JSON object per line:
//     [ResetLine]           only as the FIRST line, when the client must drop its synced data
//     ChangeLine*           in increasing `seq`
//     CheckpointLine        always LAST. A response without it was cut short: discard it.
//   Client loop: apply the change lines and store `checkpoint` (+ `scope`) in ONE local
//   transaction; if `more`, pull again with after=checkpoint. Pass back the last `scope` so the
//   hub can tell when your visibility changed (team moved, regions re-mapped, hub database
//   replaced) and answer with a reset + full stream instead of leaving stale rows behind.
//   `after=0` is the initial sync: the same stream, compacted (each live row once).
//
// Applying a change line:
//   op "upsert": insert or replace the row `key` of `entity` with `data` (all fields given).
//   op "delete": delete the row `key` of `entity`. Deleting a CUSTOMER also deletes everything
//     hanging off it locally (its phones, purchases, account, credit terms, notes): when a
//     customer leaves your scope (deleted, or moved to another team's region) the hub sends only
//     the customer tombstone, not one per child.
//   Children always come after their customer in seq order, so foreign keys hold while applying.
//   case: a submitted case (bucket of its customer, or the agent's contact bucket): insert it as
//     history; a local case with the same caseId is the same case — keep the local row.
//   disposition: the hub's disposition codes ('*'): replace the local row; `active: false` codes
//     are retired (valid on old cases, not offered any more).
//   offerModel: key "current" ('*'): the next-best-offer model trained by `pronto-hub
//     train-offers`. `data` is validated by the desktop (src-shared/offers/model.ts parseModel);
//     an invalid model is skipped (the old one stays) instead of failing the whole page.
//
// SNAPSHOT — GET /v1/sync/snapshot: an initial sync's first step, when the hub built one for
//   your scope (404 otherwise): a SQLite file equal to a pull from 0 up to its checkpoint.
//   Format, headers and checks: src-shared/sync/snapshot.ts.
//
// LIVE — GET /v1/sync/live (WebSocket; bearer token in the Authorization header or `?token=`)
//   The hub sends LiveMessage objects: {"type":"poke","seq":N} on connect and whenever changes
//   that may concern you commit. Pull when seq > your checkpoint. Pokes are hints, never data:
//   keep a slow periodic pull as a safety net.
//
// PUSH — POST /v1/sync/push  body PushRequest → PushResponse
//   Mutations carry the client's own increasing `seq` and a uuid `id`. The hub applies a batch
//   in one transaction and records the client's last seq: a retried batch is applied once.
//   Each mutation ends `applied` or `rejected` (permanently: bad payload, unknown kind, out of
//   scope — drop it from the outbox and tell the user); neither blocks later mutations.
//   400 = the request itself is malformed (nothing applied; a client bug). 503 = busy, retry.
//
// Values: money as integer minor units + ISO 4217 currency (EUR 12.50 → 1250), instants as
// ISO 8601 UTC strings ("2024-03-01T10:00:00.000Z"), days as "YYYY-MM-DD", phones as E.164.
import { AgentStatePoke, AgentStateSetPayload } from '../agent-state/states';
import { CallEventPayload } from '../agent-state/call-events';
import { z } from 'zod';
import { isHlc } from './hlc';
import { isRegion, toE164 } from '../phone/normalize';
import { CaseSubmitPayload } from '../cases/schema';
import { ACCOUNT_FIELDS, CREDIT_FIELDS, CUSTOMER_FIELDS, Instant, PRODUCT_FIELDS, PURCHASE_FIELDS, dataSchema } from '../entities/fields';

export const PROTOCOL_VERSION = 1;

/** Defaults and bounds of the pull page size. */
export const PULL_DEFAULT_LIMIT = 50_000;
export const PULL_MAX_LIMIT = 200_000;
/** Most mutations accepted in one push. */
export const PUSH_MAX_MUTATIONS = 1000;

// ---------------------------------------------------------------------------------------------
// Entities and their `data`. The five bulk entities' fields are defined once, in
// src-shared/entities/fields.ts (the feed rows of src-shared/feeds/spec.ts have the same fields).

export const ENTITIES = ['customer', 'product', 'purchase', 'account', 'credit', 'note', 'contact', 'case', 'disposition', 'offerModel'] as const;
export const Entity = z.enum(ENTITIES);
export type Entity = z.infer<typeof Entity>;

/** customer — key: customerId. Phones are part of the customer and replaced with it. */
export const CustomerData = dataSchema(CUSTOMER_FIELDS);
/** product — key: sku. Visible to everyone. */
export const ProductData = dataSchema(PRODUCT_FIELDS);
/** purchase — key: purchaseKey(orderId, sku) = `${orderId} ${sku}` (ids never contain spaces). */
export const PurchaseData = dataSchema(PURCHASE_FIELDS);
/** account — key: customerId (one account per customer). */
export const AccountData = dataSchema(ACCOUNT_FIELDS);
/** credit — key: customerId (one set of credit terms per customer). */
export const CreditData = dataSchema(CREDIT_FIELDS);
/** note — key: noteId. The winning version (highest HLC) of an agent note on a customer. */
export const NoteData = z.object({
  noteId: z.string(),
  customerId: z.string(),
  text: z.string(),
  hlc: z.string(),
  author: z.string(),
  updatedAt: Instant,
});
/** contact — key: contactId. A caller who is not a customer, created by an agent of your team. */
export const ContactData = z.object({
  contactId: z.string(),
  name: z.string(),
  company: z.string(),
  phone: z.string(),
  country: z.string(),
  notes: z.string(),
  createdBy: z.string(),
  createdAt: Instant,
});

/** case — key: caseId. A submitted case with its offer outcomes (`agent`: who logged it). */
export const CaseData = CaseSubmitPayload.extend({
  /** Not re-checked as a uuid on the way down: the hub only publishes what it accepted. */
  caseId: z.string(),
  agent: z.string(),
  team: z.string().nullable(),
});
/** disposition — key: code. Configured at the hub (`pronto-hub dispositions set`). */
export const DispositionData = z.object({
  code: z.string(),
  category: z.string(),
  labelEn: z.string(),
  labelIt: z.string(),
  position: z.number().int(),
  active: z.boolean(),
});
/**
 * offerModel — key: "current". The model JSON (src-shared/offers/model.ts OfferModel). Only its
 * envelope is checked here: the desktop validates the rest and skips a bad model on its own.
 */
export const OfferModelData = z.looseObject({ format: z.string(), version: z.number().int() });

export const EntityData = {
  customer: CustomerData,
  product: ProductData,
  purchase: PurchaseData,
  account: AccountData,
  credit: CreditData,
  note: NoteData,
  contact: ContactData,
  case: CaseData,
  disposition: DispositionData,
  offerModel: OfferModelData,
} as const satisfies Record<Entity, z.ZodType>;
export type EntityData = { [E in Entity]: z.infer<(typeof EntityData)[E]> };

export function purchaseKey(orderId: string, sku: string): string {
  return `${orderId} ${sku}`;
}
export function parsePurchaseKey(key: string): { orderId: string; sku: string } {
  const i = key.indexOf(' ');
  return { orderId: key.slice(0, i), sku: key.slice(i + 1) };
}

// ---------------------------------------------------------------------------------------------
// Pull stream lines

const Seq = z.number().int().nonnegative();

function upsertLine<E extends Entity>(entity: E) {
  return z.object({
    seq: Seq,
    entity: z.literal(entity),
    op: z.literal('upsert'),
    key: z.string(),
    data: EntityData[entity],
  });
}

export const UpsertLine = z.discriminatedUnion('entity', [
  upsertLine('customer'), upsertLine('product'), upsertLine('purchase'), upsertLine('account'),
  upsertLine('credit'), upsertLine('note'), upsertLine('contact'), upsertLine('case'),
  upsertLine('disposition'), upsertLine('offerModel'),
]);
export type UpsertLine = z.infer<typeof UpsertLine>;

export const DeleteLine = z.object({
  seq: Seq,
  entity: Entity,
  op: z.literal('delete'),
  key: z.string(),
});
export type DeleteLine = z.infer<typeof DeleteLine>;

export const ChangeLine = z.union([UpsertLine, DeleteLine]);
export type ChangeLine = z.infer<typeof ChangeLine>;

/** Last line of every pull response. */
export const CheckpointLine = z.object({
  /** Store this as your cursor (together with the page's changes) and pull after it next time. */
  checkpoint: Seq,
  /** true: the page was full, pull again right away. */
  more: z.boolean(),
  /** Change lines in this response. */
  count: z.number().int().nonnegative(),
  /**
   * Change lines still waiting after `checkpoint` in your scope — sent on the first page
   * (after=0) and whenever asked with `total=1`. Progress = received / (received + total_after).
   */
  total_after: z.number().int().nonnegative().optional(),
  /** Fingerprint of what you may see; send it back as `scope=` on the next pull. */
  scope: z.string(),
  /** Hub time of the snapshot (ISO), for "last synced" displays. */
  at: Instant,
});
export type CheckpointLine = z.infer<typeof CheckpointLine>;

/** First line when the client's view must be rebuilt: delete all synced rows, then apply this stream (it starts from 0). */
export const ResetLine = z.object({
  reset: z.literal(true),
  reason: z.enum(['scope-changed', 'cursor-ahead']),
  scope: z.string(),
});
export type ResetLine = z.infer<typeof ResetLine>;

export type PullLine = ChangeLine | CheckpointLine | ResetLine;

/** Parses one NDJSON line of a pull response (throws on anything unknown). */
export function parsePullLine(line: string): PullLine {
  const v: unknown = JSON.parse(line);
  if (v && typeof v === 'object') {
    if ('checkpoint' in v) return CheckpointLine.parse(v);
    if ('reset' in v) return ResetLine.parse(v);
  }
  return ChangeLine.parse(v);
}

export const PullQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(PULL_MAX_LIMIT).default(PULL_DEFAULT_LIMIT),
  scope: z.string().max(100).optional(),
  total: z.enum(['0', '1']).optional(),
});
export type PullQuery = z.infer<typeof PullQuery>;

// ---------------------------------------------------------------------------------------------
// Live (WebSocket) messages, hub → client

export const PokeMessage = z.object({ type: z.literal('poke'), seq: Seq });
export type PokeMessage = z.infer<typeof PokeMessage>;
/** What the live socket carries: change pokes, and "your agent state was changed by someone else". */
export const LiveMessage = z.discriminatedUnion('type', [PokeMessage, AgentStatePoke]);
export type LiveMessage = z.infer<typeof LiveMessage>;

// ---------------------------------------------------------------------------------------------
// Push

const HlcText = z.string().refine(isHlc, { message: 'is not a hybrid logical clock timestamp (see src-shared/sync/hlc.ts)' });

/** `customerNote.upsert`: create or edit an agent note on a customer (LWW by `hlc`). */
export const CustomerNoteUpsert = z.object({
  noteId: z.uuid(),
  customerId: z.string().min(1).max(64),
  text: z.string().max(20_000),
  hlc: HlcText,
});
export type CustomerNoteUpsert = z.infer<typeof CustomerNoteUpsert>;

/** `contact.create`: a caller who is not a customer yet. `phone` is E.164 and valid for `country`. */
export const ContactCreate = z
  .object({
    contactId: z.uuid(),
    name: z.string().trim().min(1).max(200),
    company: z.string().max(200).optional(),
    phone: z.string().regex(/^\+[1-9]\d{5,14}$/, { message: 'is not an E.164 number (+CC…)' }),
    country: z.string().refine(isRegion, { message: 'is not an ISO 3166 alpha-2 country' }),
    notes: z.string().max(5000).optional(),
  })
  .refine((c) => !isRegion(c.country) || toE164(c.phone, c.country) === c.phone, {
    message: 'is not a valid phone number for the country',
    path: ['phone'],
  });
export type ContactCreate = z.infer<typeof ContactCreate>;

/** `case.submit`: a submitted case and its offer outcomes (src-shared/cases/schema.ts); idempotent by caseId. */
export { CaseSubmitPayload };

/**
 * Mutation kinds and their payloads. Adding a kind = a schema here + an apply function in
 * src-hub/sync/kinds/ (registered in src-hub/sync/kinds/index.ts).
 */
export const MutationPayloads = {
  'customerNote.upsert': CustomerNoteUpsert,
  'contact.create': ContactCreate,
  'case.submit': CaseSubmitPayload,
  'agentState.set': AgentStateSetPayload,
  'callEvent.record': CallEventPayload,
} as const;
export type MutationKind = keyof typeof MutationPayloads;
export type MutationPayload<K extends MutationKind> = z.infer<(typeof MutationPayloads)[K]>;

export const Mutation = z.object({
  /** Unique id of this mutation (crypto.randomUUID()). */
  id: z.uuid(),
  /** The client's own counter, strictly increasing over its whole life (not per batch). */
  seq: z.number().int().positive(),
  kind: z.string().min(1).max(64),
  /** Validated against MutationPayloads[kind]; an invalid payload rejects only this mutation. */
  payload: z.unknown(),
});
export type Mutation = z.infer<typeof Mutation>;

export const PushRequest = z
  .object({
    /** Stable id of the desktop install (e.g. a uuid made on first start). */
    clientId: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/),
    mutations: z.array(Mutation).max(PUSH_MAX_MUTATIONS),
  })
  .superRefine((req, ctx) => {
    const ids = new Set<string>();
    req.mutations.forEach((m, i) => {
      const prev = req.mutations[i - 1];
      if (prev && m.seq <= prev.seq) ctx.addIssue({ code: 'custom', path: ['mutations', i, 'seq'], message: 'must be greater than the seq of the mutation before it' });
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['mutations', i, 'id'], message: 'appears twice in the batch' });
      ids.add(m.id);
    });
  });
export type PushRequest = z.infer<typeof PushRequest>;

export const PushResponse = z.object({
  /** Ids applied now or earlier (a retry gets the same answer). Drop them from the outbox. */
  applied: z.array(z.string()),
  /** Ids refused for good, with the reason. Drop them from the outbox (and tell the user). */
  rejected: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** Highest client seq the hub has processed for this client: everything ≤ it is done. */
  lastSeq: z.number().int().nonnegative(),
});
export type PushResponse = z.infer<typeof PushResponse>;

// ---------------------------------------------------------------------------------------------
// Auth, errors, feeds

export const Role = z.enum(['agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof Role>;

export const LoginRequest = z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(1000) });
/**
 * The softphone's settings as the hub hands them out at login (issue 20). The credential is a
 * time-limited one the PBX checks without a stored password (Kamailio autheph: user name
 * `<expiry unix seconds>:<extension>`, password base64(HMAC-SHA1(shared secret, user name))).
 */
export const SipProvisioning = z.object({
  extension: z.string().min(1),
  /** The PBX's SIP-over-WebSocket address: wss://… (ws:// only on a loopback PBX). */
  server: z.string().min(1),
  /** SIP domain of the agents' addresses (sip:EXT@DOMAIN). */
  domain: z.string().min(1),
  /** Digest realm of the PBX. */
  realm: z.string().min(1),
  /** Digest user name (autheph: `<expiry>:<extension>`). */
  authUser: z.string().min(1),
  /** Digest password (autheph: the HMAC); valid until `expiresAt`. Never logged, never persisted in clear. */
  password: z.string().min(1),
  /** ISO instant after which the PBX refuses the credential (log in again, or GET /v1/me/sip). */
  expiresAt: z.string(),
});
export type SipProvisioning = z.infer<typeof SipProvisioning>;

export const LoginResponse = z.object({
  token: z.string(),
  role: Role,
  team: z.string().nullable(),
  /** Issue 20 (all optional so an older hub still parses): the account's display name. */
  displayName: z.string().optional(),
  /** When the token expires unless used (it is renewed while in use). */
  expiresAt: z.string().optional(),
  /** null: the hub manages no PBX, or the user has no extension. */
  sip: SipProvisioning.nullable().optional(),
  /** false when the account can see no customers (no team, or a team without regions). */
  customersVisible: z.boolean().optional(),
  /** Why not, in words, when customersVisible is false. */
  notice: z.string().nullable().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** Every non-2xx JSON answer of the hub. `issues` names field paths for 400s. */
export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** POST /v1/feeds/:source → 200 */
export const FeedImportResult = z.object({
  source: z.string(),
  rows: z.number().int(),
  changed: z.number().int(),
  deleted: z.number().int(),
  moved: z.number().int(),
  seq: z.number().int(),
});
/** POST /v1/feeds/:source → 422: every problem as `FILE:LINE: column: reason`. */
export const FeedImportErrors = z.object({ errors: z.array(z.string()), total: z.number().int() });
