// products.csv: the fixed catalog.
import { PRODUCTS } from './catalog';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { csvField } from '../../src-shared/feeds/csv-quote';
import { money } from './format';
import { Sink } from './sinks';

export async function writeProducts(path: string): Promise<number> {
  const sink = new Sink(path, FEED_COLUMNS.products);
  for (const p of PRODUCTS) {
    sink.push(`${p.sku},${csvField(p.name)},${csvField(p.category)},${csvField(p.family)},${p.tier},${money(p.priceCents)},EUR,${p.margin.toFixed(2)}\n`);
  }
  await sink.close();
  return PRODUCTS.length;
}
