// Extra feed rows written next to the seeded ones: customers the generator would never make.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvLine } from '../../src-shared/feeds/csv-quote';

export const XSS_NAME = '<img src=x onerror=alert(1)>';
export const XSS_COMPANY = '"><script>alert(2)</script>';
export const XSS_ID = 'E2E-XSS-1';
export const XSS_PHONE = '+390240001234';

/** Two fixture customers on one switchboard, in case the seeded data has no shared number. */
export const SWITCHBOARD_PHONE = '+390240005555';
export const SWITCHBOARD_IDS = ['E2E-SW-1', 'E2E-SW-2'];

function csv(header: string[], rows: string[][]): string {
  return [header, ...rows].map(csvLine).join('\n') + '\n';
}

export function writeFixtureFeeds(dir: string): string[] {
  const customers = join(dir, 'fixture-customers.csv');
  writeFileSync(
    customers,
    csv(
      ['customer_id', 'name', 'company', 'email', 'segment', 'region', 'country', 'phones', 'created_at'],
      [
        [XSS_ID, XSS_NAME, XSS_COMPANY, 'xss@example.com', 'SMB', 'Lombardia', 'IT', `office=${XSS_PHONE}`, '2020-01-01'],
        [SWITCHBOARD_IDS[0]!, 'Giulia Switchboard', 'Centralino Uno S.r.l.', 'giulia@example.com', 'SMB', 'Lombardia', 'IT', `switchboard=${SWITCHBOARD_PHONE}`, '2020-01-01'],
        [SWITCHBOARD_IDS[1]!, 'Marco Switchboard', 'Centralino Due S.p.A.', 'marco@example.com', 'Enterprise', 'Lombardia', 'IT', `switchboard=${SWITCHBOARD_PHONE}`, '2020-01-01'],
      ],
    ),
  );
  return [customers];
}
