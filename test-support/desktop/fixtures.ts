// Small hand-written feeds for integration tests: every value here is asserted somewhere.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src-main/db/store';

export const FIXTURE = {
  products: `sku,name,category,family,tier,price,currency,margin
ESP-1,Espresso Compact,machines,espresso,1,299.00,EUR,0.30
ESP-2,Espresso Plus,machines,espresso,2,599.00,EUR,0.34
CAP-50,"Capsules, 50 pack",consumables,capsules,1,19.90,EUR,0.55
`,
  customers: `customer_id,name,company,email,segment,region,country,phones,created_at
C1,Mario Rossi,Rossi Impianti S.r.l.,mario@rossi.it,smb,Nord-Ovest,IT,mobile=+39 347 123 4567;switchboard=02 8765 4321,2020-01-15T09:00:00Z
C2,Giulia Bianchi,Rossi Impianti S.r.l.,giulia@rossi.it,smb,Nord-Ovest,IT,switchboard=0287654321;office=02 8765 4300,2021-03-01
C3,Hans Müller,Müller Logistik GmbH,hans@mueller.de,enterprise,DACH,DE,+49 (0)30 1234567,2019-06-01T00:00:00Z
C4,Jane Doe,,jane@example.com,consumer,North America,US,(212) 555-0147,2022-02-02
C5,"<img src=x onerror=alert(1)>","Bianchi, Verdi & C.",x@example.com,consumer,Centro,IT,06 1234 5678,2023-01-01
`,
  purchases: `order_id,customer_id,sku,quantity,amount,currency,purchased_at
O1,C1,ESP-1,1,299.00,EUR,2023-03-10T10:00:00Z
O2,C1,CAP-50,3,59.70,EUR,2024-05-01T08:30:00+02:00
O3,C1,ESP-2,1,599.00,EUR,2026-09-01T12:00:00Z
O4,C2,CAP-50,1,19.90,EUR,2022-01-01
O5,C3,ESP-2,2,1198.00,EUR,2025-12-24T15:00:00Z
`,
  accounts: `customer_id,balance,currency,overdue_amount,oldest_due_date,last_payment_at,last_payment_amount
C1,1250.50,EUR,300.00,2026-08-15,2026-10-01T10:00:00Z,200.00
C2,0,EUR,0,,,
C3,5000.00,EUR,0,,2026-11-01T00:00:00Z,1000.00
`,
  credit: `customer_id,credit_limit,currency,payment_terms,status,risk_class,reviewed_at
C1,1000.00,EUR,30 days,watch,C,2026-06-01
C3,20000.00,EUR,60 days EOM,hold,B,2026-01-10T00:00:00Z
`,
};

export function writeFixtures(overrides: Partial<Record<keyof typeof FIXTURE, string>> = {}): { dir: string; files: Record<keyof typeof FIXTURE, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pronto-fx-'));
  const files = {} as Record<keyof typeof FIXTURE, string>;
  for (const k of Object.keys(FIXTURE) as (keyof typeof FIXTURE)[]) {
    files[k] = join(dir, `${k}.csv`);
    writeFileSync(files[k], overrides[k] ?? FIXTURE[k]);
  }
  return { dir, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(prefix = 'pronto-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Cleanups = (() => void | Promise<void>)[];

/** An empty desktop store in a temp dir; closed and removed when `cleanups` run. */
export function tempDesktop(cleanups: Cleanups): { store: Store; dir: string } {
  const t = tempDir();
  const store = openStore(t.dir);
  cleanups.push(() => store.close(), t.cleanup);
  return { store, dir: t.dir };
}
