// Wire `data` of each entity, rendered ONCE when the row is written (the change log stores the
// JSON text, so the pull stream never re-serialises rows). Field order is fixed here, which
// also makes "did the content change?" a plain text comparison.
import type { AccountRow, CreditRow, CustomerRow, ProductRow, PurchaseRow } from '../../src-shared/feeds/spec';
import type { EntityData } from '../../src-shared/sync/protocol';

export function renderCustomer(r: CustomerRow): string {
  const d: EntityData['customer'] = {
    customerId: r.customerId, name: r.name, company: r.company, email: r.email, segment: r.segment,
    region: r.region, country: r.country, createdAt: r.createdAt,
    phones: r.phones.map((p) => ({ e164: p.e164, label: p.label, raw: p.raw })),
  };
  return JSON.stringify(d);
}

export function renderProduct(r: ProductRow): string {
  const d: EntityData['product'] = {
    sku: r.sku, name: r.name, category: r.category, family: r.family, tier: r.tier,
    priceMinor: r.priceMinor, currency: r.currency, margin: r.margin,
  };
  return JSON.stringify(d);
}

export function renderPurchase(r: PurchaseRow): string {
  const d: EntityData['purchase'] = {
    orderId: r.orderId, customerId: r.customerId, sku: r.sku, quantity: r.quantity,
    amountMinor: r.amountMinor, currency: r.currency, purchasedAt: r.purchasedAt,
  };
  return JSON.stringify(d);
}

export function renderAccount(r: AccountRow): string {
  const d: EntityData['account'] = {
    customerId: r.customerId, balanceMinor: r.balanceMinor, currency: r.currency, overdueMinor: r.overdueMinor,
    oldestDueDate: r.oldestDueDate, lastPaymentAt: r.lastPaymentAt, lastPaymentMinor: r.lastPaymentMinor,
  };
  return JSON.stringify(d);
}

export function renderCredit(r: CreditRow): string {
  const d: EntityData['credit'] = {
    customerId: r.customerId, creditLimitMinor: r.creditLimitMinor, currency: r.currency,
    paymentTerms: r.paymentTerms, status: r.status, riskClass: r.riskClass, reviewedAt: r.reviewedAt,
  };
  return JSON.stringify(d);
}

export function renderNote(d: EntityData['note']): string {
  const o: EntityData['note'] = {
    noteId: d.noteId, customerId: d.customerId, text: d.text, hlc: d.hlc, author: d.author, updatedAt: d.updatedAt,
  };
  return JSON.stringify(o);
}

export function renderContact(d: EntityData['contact']): string {
  const o: EntityData['contact'] = {
    contactId: d.contactId, name: d.name, company: d.company, phone: d.phone, country: d.country,
    notes: d.notes, createdBy: d.createdBy, createdAt: d.createdAt,
  };
  return JSON.stringify(o);
}

export function renderCase(d: EntityData['case']): string {
  const o: EntityData['case'] = {
    caseId: d.caseId, customerId: d.customerId, agent: d.agent, team: d.team, callId: d.callId, callLine: d.callLine,
    callDurationS: d.callDurationS, disposition: d.disposition, category: d.category, notes: d.notes,
    followUpDate: d.followUpDate, followUpTask: d.followUpTask, createdAt: d.createdAt, submittedAt: d.submittedAt,
    offers: d.offers.map((x) => ({ sku: x.sku, kind: x.kind, outcome: x.outcome, decidedAt: x.decidedAt })),
  };
  return JSON.stringify(o);
}

export function renderDisposition(d: EntityData['disposition']): string {
  const o: EntityData['disposition'] = { code: d.code, category: d.category, labelEn: d.labelEn, labelIt: d.labelIt, position: d.position, active: d.active };
  return JSON.stringify(o);
}
