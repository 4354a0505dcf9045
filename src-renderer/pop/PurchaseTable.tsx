// Purchase history, newest first, virtualised: a customer may have thousands of lines and the
// pop must paint in one frame whatever their number.
import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Purchase } from '../../src-shared/pop/schema';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';

const ROW_HEIGHT = 30;

export function sortNewestFirst(purchases: readonly Purchase[]): Purchase[] {
  return [...purchases].sort((a, b) =>
    a.purchasedAt < b.purchasedAt ? 1 : a.purchasedAt > b.purchasedAt ? -1 : a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0,
  );
}

export function PurchaseTable({ purchases, orderCount, pending = false }: { purchases: readonly Purchase[]; orderCount: number; pending?: boolean }) {
  const t = useT();
  const f = useFormat();
  const rows = useMemo(() => sortNewestFirst(purchases), [purchases]);
  const shownOrders = useMemo(() => new Set(purchases.map((p) => p.orderId)).size, [purchases]);
  const partial = shownOrders < orderCount;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: 360 },
    // by position: the next customer's lines reuse these rows' DOM nodes (text updates only)
    getItemKey: (i) => i,
  });

  return (
    <section className="purchases" aria-labelledby="purchases-title">
      <header className="purchases-head">
        <h3 id="purchases-title" className="card-title">{t('purchases.title')}</h3>
        <span className="muted" data-testid="pop-purchase-count" data-count={rows.length}>
          {pending ? null : partial
            ? t('purchases.countPartial', { n: f.number(rows.length), orders: f.number(orderCount) })
            : t('purchases.count', { n: f.number(rows.length) })}
        </span>
      </header>
      <div className="ptable" role="table" aria-rowcount={rows.length + 1} aria-labelledby="purchases-title">
        <div className="prow prow-head" role="row">
          <span role="columnheader" className="c-date">{t('purchases.date')}</span>
          <span role="columnheader" className="c-product">{t('purchases.product')}</span>
          <span role="columnheader" className="c-sku">{t('purchases.sku')}</span>
          <span role="columnheader" className="c-qty">{t('purchases.qty')}</span>
          <span role="columnheader" className="c-amount">{t('purchases.amount')}</span>
          <span role="columnheader" className="c-order">{t('purchases.order')}</span>
        </div>
        {/* the scroll box stays mounted from one customer to the next (with or without lines):
            a new box would make the virtualiser observe and measure it again (a forced layout) */}
        <div className="ptable-scroll" ref={scrollRef} tabIndex={rows.length ? 0 : -1} role="rowgroup">
          {rows.length === 0 ? (
            <p className="card-empty ptable-empty" data-testid={pending ? 'pop-purchases-pending' : undefined}>
              {t(pending ? 'purchases.pending' : 'purchases.empty')}
            </p>
          ) : (
            <div className="ptable-inner" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((v) => {
                const p = rows[v.index];
                if (!p) return null;
                return (
                  <div
                    key={v.key}
                    className={`prow${v.index % 2 ? ' is-odd' : ''}`}
                    role="row"
                    aria-rowindex={v.index + 2}
                    data-testid="pop-purchase-row"
                    data-index={v.index}
                    data-order-id={p.orderId}
                    data-sku={p.sku}
                    data-purchased-at={p.purchasedAt}
                    data-amount={p.amount}
                    style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                  >
                    <span role="cell" className="c-date">{f.date(p.purchasedAt)}</span>
                    <span role="cell" className="c-product" title={p.productName}>{p.productName}</span>
                    <span role="cell" className="c-sku">{p.sku}</span>
                    <span role="cell" className="c-qty num">{f.number(p.quantity)}</span>
                    <span role="cell" className={`c-amount num${p.amount < 0 ? ' is-negative' : ''}`}>
                      {f.money(p.amount, p.currency)}
                    </span>
                    <span role="cell" className="c-order">{p.orderId}</span>
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
