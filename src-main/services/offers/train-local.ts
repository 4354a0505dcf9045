// Standalone mode: train the offer model from the imported feeds in the local store, keep it as
// JSON in `meta` (key `offer_model`), load it back. The training itself is the shared, pure
// OfferTrainer (the hub runs the same over PostgreSQL); this file only streams rows into it.
import type { Sqlite } from '../../db/store';
import { setMeta } from '../../db/queries/meta';
import { meta, products, purchases } from '../../db/schema';
import { pluckStatement, rawStatement } from '../../db/queries/typed';
import { CustomerRows, OfferTrainer, type TrainerOptions } from '../../../src-shared/offers/train';
import { parseModel, type OfferModel } from '../../../src-shared/offers/model';
import type { OfferOutcome } from '../../../src-shared/offers/schema';
import type { CatalogProduct } from '../../../src-shared/offers/rank';

export const OFFER_MODEL_KEY = 'offer_model';

export interface LocalTrainOptions extends Omit<TrainerOptions, 'catalog'> {
  /** Recorded offer outcomes (from cases), for acceptance rates. */
  outcomes?: Iterable<OfferOutcome>;
  now?: () => number;
}

/** The product catalogue as ranking wants it. */
export function loadCatalog(sqlite: Sqlite): Map<string, CatalogProduct> {
  const rows = rawStatement(sqlite, 'SELECT sku, name, family, tier, price_minor, currency, margin FROM products ORDER BY sku',
    [products.sku, products.name, products.family, products.tier, products.priceMinor, products.currency, products.margin]).all();
  const out = new Map<string, CatalogProduct>();
  for (const [sku, name, family, tier, priceMinor, currency, margin] of rows) out.set(sku, { name, family, tier, priceMinor, currency, margin });
  return out;
}

/**
 * Trains from every purchase in the store. Rows stream in customer order straight off the
 * purchases_customer_time index (one customer's items in memory at a time).
 */
export function trainFromStore(sqlite: Sqlite, opts: LocalTrainOptions = {}): OfferModel {
  const catalog = [...loadCatalog(sqlite)].map(([sku, p]) => ({ sku, family: p.family, tier: p.tier }));
  const trainer = new OfferTrainer({ ...opts, catalog });
  const stmt = rawStatement(sqlite, 'SELECT customer_id, sku, purchased_at FROM purchases INDEXED BY purchases_customer_time ORDER BY customer_id',
    [purchases.customerId, purchases.sku, purchases.purchasedAt]);
  const rows = new CustomerRows(trainer);
  for (const [cid, sku, at] of stmt.iterate()) rows.add(cid, sku, at);
  rows.flush();
  if (opts.outcomes) trainer.addOutcomes(opts.outcomes);
  const now = opts.now ?? Date.now;
  return trainer.finish({ trainedAt: new Date(now()).toISOString(), version: storedVersion(sqlite) + 1, source: 'local' });
}

function storedVersion(sqlite: Sqlite): number {
  const r = loadModel(sqlite);
  return r.model ? r.model.version : 0;
}

export function saveModel(sqlite: Sqlite, model: OfferModel): void {
  setMeta(sqlite, OFFER_MODEL_KEY, JSON.stringify(model));
}

/** The stored model; `model: null` with no `error` when none was ever trained. */
export function loadModel(sqlite: Sqlite): { model: OfferModel | null; error?: string } {
  const text = pluckStatement(sqlite, 'SELECT value FROM meta WHERE key = ?', meta.value).get(OFFER_MODEL_KEY);
  if (text === undefined) return { model: null };
  const r = parseModel(text);
  return r.ok ? { model: r.model } : { model: null, error: `stored offer model is invalid (${r.reason})` };
}

/** Train from the store and keep the result (pass a writer connection). */
export function trainAndStore(sqlite: Sqlite, opts: LocalTrainOptions = {}): OfferModel {
  const model = trainFromStore(sqlite, opts);
  saveModel(sqlite, model);
  return model;
}
