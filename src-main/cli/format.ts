// Human-readable lookup output for the terminal (the JSON form is the contract).
import type { LookupResult } from '../../src-shared/pop/schema';

const money = (n: number, cur: string): string =>
  new Intl.NumberFormat('en', { style: 'currency', currency: cur }).format(n);

export function formatLookup(r: LookupResult): string {
  const head = `${r.query} → ${r.normalized ?? '—'}: ${r.match}`;
  if (r.match === 'multiple') {
    return [head, ...r.candidates.map((c) => `  ${c.customerId}  ${c.name}${c.company ? ` (${c.company})` : ''}`)].join('\n');
  }
  const p = r.pop;
  if (!p) return head;
  const lines = [head, `  ${p.customer.customerId}  ${p.customer.name}${p.customer.company ? ` — ${p.customer.company}` : ''}  [${p.customer.segment}, ${p.customer.country}]`];
  if (p.account) {
    lines.push(`  balance ${money(p.account.balance, p.account.currency)}` +
      (p.account.overdueAmount > 0 ? `, OVERDUE ${money(p.account.overdueAmount, p.account.currency)} since ${p.account.oldestDueDate}` : ''));
  }
  if (p.credit) {
    lines.push(`  credit ${p.credit.status.toUpperCase()}: limit ${money(p.credit.creditLimit, p.credit.currency)}, available ${money(p.credit.available, p.credit.currency)}, ${p.credit.paymentTerms}`);
  }
  const t = p.totals;
  if (t.currency) lines.push(`  ${t.orderCount} orders, lifetime ${money(t.lifetimeValue, t.currency)}, last 12 months ${money(t.last12Months, t.currency)}`);
  for (const x of p.purchases.slice(0, 5)) lines.push(`    ${x.purchasedAt.slice(0, 10)}  ${x.productName} ×${x.quantity}  ${money(x.amount, x.currency)}`);
  return lines.join('\n');
}
