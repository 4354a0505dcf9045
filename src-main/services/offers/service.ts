// Offers on the pop: holds the loaded model and the prepared catalogue, ranks per call.
// Hot path: no I/O for a normal pop (the pop already carries the purchases); one indexed query only
// when the pop's purchase list is truncated, so an owned product outside it is never offered.
import type { Sqlite } from '../../db/store';
import { POP_PURCHASES } from '../../db/queries/pop';
import { purchases } from '../../db/schema';
import { computed, rawStatement, type TypedStatement } from '../../db/queries/typed';
import type { Pop } from '../../../src-shared/pop/schema';
import type { Offer, RecentOutcome } from '../../../src-shared/offers/schema';
import { emptyModel, type OfferModel } from '../../../src-shared/offers/model';
import { offersForPop, prepareCatalog, prepareModel, type OfferContext, type PreparedCatalog, type PreparedModel } from '../../../src-shared/offers/rank';
import { loadCatalog, loadModel } from './train-local';

export interface OfferServiceOptions {
  now?: () => number;
  /** Use this model instead of the stored one (tests, benchmarks, a model just pulled from the hub). */
  model?: OfferModel | null;
  noCreditRecord?: OfferContext['noCreditRecord'];
}

export class OfferService {
  private m: PreparedModel = prepareModel(emptyModel());
  private cat: PreparedCatalog = prepareCatalog(new Map());
  private loaded: OfferModel | null = null;
  private ownedStmt: TypedStatement<[sku: string, lastPurchasedAt: string]>;
  private now: () => number;
  /** Why the stored model could not be used, if it could not. */
  error: string | undefined;

  constructor(private sqlite: Sqlite, private opts: OfferServiceOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.ownedStmt = rawStatement(sqlite, 'SELECT sku, max(purchased_at) FROM purchases WHERE customer_id = ? GROUP BY sku', [purchases.sku, computed<string>()]);
    this.reload(opts.model);
  }

  /** Re-reads the catalogue and the model (after an import, a training run or a sync). */
  reload(model?: OfferModel | null): void {
    this.cat = prepareCatalog(loadCatalog(this.sqlite));
    if (model !== undefined) {
      this.setModel(model);
      return;
    }
    const r = loadModel(this.sqlite);
    this.error = r.error;
    this.setModel(r.model);
  }

  setModel(model: OfferModel | null): void {
    this.loaded = model;
    this.m = prepareModel(model ?? emptyModel());
  }

  /** The model in use (null: none trained yet — then only service actions are offered). */
  get model(): OfferModel | null {
    return this.loaded;
  }

  get catalog(): PreparedCatalog {
    return this.cat;
  }

  offersFor(pop: Pop, recentOutcomes?: readonly RecentOutcome[]): Offer[] {
    const ctx: OfferContext = { now: this.now(), products: this.cat, noCreditRecord: this.opts.noCreditRecord };
    if (recentOutcomes) ctx.recentOutcomes = recentOutcomes;
    if (pop.purchases.length >= POP_PURCHASES) {
      const rows = this.ownedStmt.all(pop.customer.customerId);
      ctx.owned = new Map(rows);
    }
    return offersForPop(pop, this.m, ctx);
  }
}
