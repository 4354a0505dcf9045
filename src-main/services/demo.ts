// First start with an empty store and no hub: fill it with a small demo set so the app shows
// something real at once, and remember that we did (the UI says so).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../db/store';
import { openConnection } from '../db/store';
import { Importer } from './import/importer';
import { getMeta, setMeta } from '../db/queries/meta';
import { computed, pluckStatement } from '../db/queries/typed';

export const DEMO_CUSTOMERS = 10_000;

export interface DemoInfo {
  customers: number;
  loadedAt: string;
}

export function demoInfo(store: Store): DemoInfo | null {
  const v = getMeta(store.sqlite, 'demo');
  return v ? (JSON.parse(v) as DemoInfo) : null;
}

export async function ensureDemoData(store: Store, opts: { hubConfigured: boolean; customers?: number }): Promise<DemoInfo | null> {
  if (opts.hubConfigured) return demoInfo(store);
  const count = pluckStatement(store.sqlite, 'SELECT count(*) FROM customers', computed<number>()).get()!;
  if (count > 0) return demoInfo(store);
  const dir = mkdtempSync(join(tmpdir(), 'pronto-demo-'));
  try {
    const { generateFeeds } = await import('../seed/generate');
    const today = new Date().toISOString().slice(0, 10);
    const customers = opts.customers ?? DEMO_CUSTOMERS;
    const { files } = await generateFeeds({ outDir: dir, customers, seed: 1, anchor: today });
    const conn = openConnection(store);
    try {
      const problems: string[] = [];
      const results = await new Importer(conn).importFiles(Object.values(files), {
        onProblem: (f, p) => problems.push(`${f}:${p.line}: ${p.column}: ${p.reason}`),
      });
      if (results.some((r) => !r.applied)) throw new Error(`demo data did not import:\n${problems.slice(0, 20).join('\n')}`);
      const { trainAndStore } = await import('./offers/train-local');
      trainAndStore(conn);
    } finally {
      conn.close();
    }
    const info: DemoInfo = { customers, loadedAt: new Date().toISOString() };
    setMeta(store.sqlite, 'demo', JSON.stringify(info));
    return info;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
