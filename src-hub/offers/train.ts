// `pronto-hub train-offers` / POST /v1/offers/train: trains the next-best-offer model from ALL
// purchases at the hub plus the recorded offer outcomes, stores it (hub_meta 'offer_model') and
// publishes it to every desktop (entity offerModel, key 'current', bucket '*'). The algorithm is
// the shared OfferTrainer (src-shared/offers/train.ts) — the same the desktop runs standalone.
//
// Memory: purchases are read in keyset pages of whole customers (about PAGE rows each, ordered
// by customer off the purchases_customer_time index), never all at once: a hub may hold 5M.
import { CustomerRows, OfferTrainer, type TrainerOptions } from '../../src-shared/offers/train';
import { parseModel, type OfferModel } from '../../src-shared/offers/model';
import { OfferKind, OutcomeKind } from '../../src-shared/offers/schema';
import type { Queryable, Store } from '../db/store';
import { highWater, lockChangeLog, notifyChanges, upsertChange } from '../changes';
import { GLOBAL_BUCKET } from '../scope';

export const HUB_MODEL_KEY = 'offer_model';
const PAGE = 20_000;

export interface HubTrainOptions extends Omit<TrainerOptions, 'catalog'> {
  /** Purchase rows per page (tests use small pages to cross page boundaries). */
  pageSize?: number;
  now?: () => Date;
  lockTimeoutMs?: number;
}

export interface HubTrainResult {
  model: OfferModel;
  products: number;
  customers: number;
  purchases: number;
  pairs: number;
  outcomes: number;
  seq: number;
  ms: number;
}

/** Streams every purchase, grouped by customer, into the trainer. */
async function feedPurchases(q: Queryable, rows: CustomerRows, pageSize: number): Promise<void> {
  let after = '';
  for (;;) {
    // The customer at about `pageSize` rows ahead bounds this page; whole customers only.
    const edge = await q.rows('SELECT customer_id FROM purchases WHERE customer_id > $1 ORDER BY customer_id OFFSET $2 LIMIT 1', [after, pageSize]);
    const upTo = edge[0]?.[0] as string | undefined;
    const page = upTo === undefined
      ? await q.rows(`SELECT customer_id, sku, (extract(epoch FROM purchased_at) * 1000)::float8 FROM purchases WHERE customer_id > $1 ORDER BY customer_id`, [after])
      : await q.rows(`SELECT customer_id, sku, (extract(epoch FROM purchased_at) * 1000)::float8 FROM purchases WHERE customer_id > $1 AND customer_id <= $2 ORDER BY customer_id`, [after, upTo]);
    for (const [cid, sku, ms] of page as [string, string, number][]) rows.add(cid, sku, Number(ms));
    if (upTo === undefined) break;
    after = upTo;
  }
  rows.flush();
}

/** Outcomes recorded with cases, in keyset pages. Unknown offer kinds (newer desktops) are skipped. */
async function feedOutcomes(q: Queryable, trainer: OfferTrainer, pageSize: number): Promise<number> {
  let n = 0;
  let after: [string, string] = ['00000000-0000-0000-0000-000000000000', ''];
  for (;;) {
    const page = await q.rows(
      `SELECT case_id::text, sku, kind, outcome FROM offer_outcomes WHERE (case_id, sku) > ($1::uuid, $2)
       ORDER BY case_id, sku LIMIT $3`, [after[0], after[1], pageSize]) as [string, string, string, string][];
    for (const [, sku, kind, outcome] of page) {
      const k = OfferKind.safeParse(kind);
      const o = OutcomeKind.safeParse(outcome);
      if (!k.success || !o.success) continue;
      trainer.addOutcome({ sku, kind: k.data, outcome: o.data });
      n++;
    }
    if (page.length < pageSize) return n;
    const last = page[page.length - 1]!;
    after = [last[0], last[1]];
  }
}

/** The stored model (null when never trained or unreadable). */
export async function storedHubModel(q: Queryable): Promise<OfferModel | null> {
  const r = await q.rows('SELECT value FROM hub_meta WHERE key = $1', [HUB_MODEL_KEY]);
  if (!r.length) return null;
  const p = parseModel(String(r[0]![0]));
  return p.ok ? p.model : null;
}

export async function trainOffers(store: Store, opts: HubTrainOptions = {}): Promise<HubTrainResult> {
  const t0 = performance.now();
  const pageSize = opts.pageSize ?? PAGE;
  const catalog = (await store.rows('SELECT sku, family, tier FROM products ORDER BY sku') as [string, string, number][])
    .map(([sku, family, tier]) => ({ sku, family, tier }));
  const trainer = new OfferTrainer({ ...opts, catalog });
  await feedPurchases(store, new CustomerRows(trainer), pageSize);
  const outcomes = await feedOutcomes(store, trainer, pageSize);
  const trained = trainer.finish({ trainedAt: (opts.now?.() ?? new Date()).toISOString(), version: 0, source: 'hub' });
  // Numbered and published under the change-log lock: two runs at once get distinct versions.
  const { model, seq } = await store.tx(async (q) => {
    await lockChangeLog(q, opts.lockTimeoutMs ?? 30_000);
    const model: OfferModel = { ...trained, version: ((await storedHubModel(q))?.version ?? 0) + 1 };
    const json = JSON.stringify(model);
    await q.query(`INSERT INTO hub_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [HUB_MODEL_KEY, json]);
    await upsertChange(q, 'offerModel', 'current', GLOBAL_BUCKET, json);
    await notifyChanges(q, [GLOBAL_BUCKET]);
    return { model, seq: await highWater(q) };
  });
  const pairs = Object.values(model.products).reduce((n, p) => n + p.related.length, 0);
  return {
    model, products: Object.keys(model.products).length, customers: model.customers, purchases: model.purchases,
    pairs, outcomes, seq, ms: performance.now() - t0,
  };
}

export function trainSummary(r: HubTrainResult): string {
  return `offers model v${r.model.version} (hub): ${r.products} products, ${r.customers} customers, ${r.pairs} related pairs, `
    + `${r.purchases} purchases, ${r.outcomes} outcomes in ${(r.ms / 1000).toFixed(1)} s (change log at ${r.seq})`;
}
