// customers.csv: culture, region, segment, company groups sharing a switchboard, 1–3 phones in
// the formats people really type, creation time growing with the id.
import { Rng, cumulative } from './rng';
import { PhoneBook, fixedPoolKey, formatPhone, type Block, type Country, type PoolState } from './phones';
import { CULTURE_COUNTRY, company, person, privateEmail, workEmail, type Culture } from './names';
import { FEED_COLUMNS } from '../../src-shared/feeds/spec';
import { csvField } from '../../src-shared/feeds/csv-quote';
import { DAY, instant, type Clock } from './clock';
import { Sink } from './sinks';
import { CONSUMER, COUNTRIES, COUNTRY_INDEX, ENTERPRISE, SEGMENTS, type CustomerTable } from './tables';

const CULTURES: Culture[] = ['IT', 'DE', 'FR', 'ES', 'GB', 'US', 'CHde', 'CHfr', 'CHit', 'AT', 'NL'];
const CULTURE_CUM = cumulative([55, 12, 9, 7, 5, 4, 3 * 0.65, 3 * 0.25, 3 * 0.1, 2.5, 2.5]);
const IT_REGIONS = ['Nord-Ovest', 'Nord-Est', 'Centro', 'Sud', 'Isole'];
const IT_REGION_CUM = cumulative([30, 22, 22, 17, 9]);
const REGION: Record<Country, string> = {
  IT: '', DE: 'DACH', AT: 'DACH', CH: 'DACH', FR: 'France', ES: 'Iberia', GB: 'UK&I', NL: 'Benelux', US: 'North America',
};
const SEGMENT_CUM = cumulative([60, 30, 10]);
/** Share of B2B companies that are several contacts sharing a switchboard (≈5% of B2B customers). */
const GROUP_START = 0.019;

interface PhoneRef {
  block: Block;
  sub: string;
}

interface Group {
  left: number;
  culture: Culture;
  region: string;
  fixedPool: PoolState;
  segment: number;
  company: string;
  domain: string;
  switchboard: PhoneRef;
}


export function customerId(i: number): string {
  return 'C' + String(i + 1).padStart(7, '0');
}

export async function writeCustomers(path: string, n: number, seed: number, clock: Clock): Promise<CustomerTable> {
  const rng = new Rng(seed, 'customers');
  const book = new PhoneBook(seed);
  const sink = new Sink(path, FEED_COLUMNS.customers);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = customerId(i);
  const table: CustomerTable = { ids, segment: new Uint8Array(n), created: new Uint32Array(n), country: new Uint8Array(n) };
  const span = 8 * 365 * DAY;
  const start = clock.anchorSec - span;
  let group: Group | null = null;
  const phones: string[] = [];
  const itFixed = IT_REGIONS.map((r) => book.pool(fixedPoolKey('IT', r)));
  const cultureFixed = new Map<Culture, PoolState>(CULTURES.filter((c) => c !== 'IT').map((c) => [c, book.pool(fixedPoolKey(CULTURE_COUNTRY[c], c.slice(2)))]));
  const mobilePools = new Map(COUNTRIES.map((c) => [c, book.pool(`${c}:mobile`)]));

  const draw = (pool: PoolState): PhoneRef => {
    const [block, sub] = book.draw(pool, rng);
    return { block, sub };
  };
  // All fixed lines of one customer (and of one company) are in the same city.
  let fixedPool: PoolState = itFixed[0]!;
  let city: PoolState | null = null;
  const drawFixed = (): PhoneRef => {
    if (city) return draw(city);
    const ref = draw(fixedPool);
    city = book.blockPool(ref.block);
    return ref;
  };
  const item = (label: string, p: PhoneRef): string => {
    const text = formatPhone(p.block, p.sub, rng);
    return rng.chance(0.12) ? text : `${label}=${text}`;
  };

  for (let i = 0; i < n; i++) {
    let culture: Culture;
    let region: string;
    let segment: number;
    let companyName = '';
    let domain = '';
    let inGroup: Group | null = null;

    city = null;
    if (group && group.left > 0) {
      inGroup = group;
      group.left--;
      ({ culture, region, fixedPool, segment } = group);
      companyName = group.company;
      domain = group.domain;
    } else {
      culture = CULTURES[rng.weighted(CULTURE_CUM)]!;
      const country = CULTURE_COUNTRY[culture];
      if (country === 'IT') {
        const r = rng.weighted(IT_REGION_CUM);
        region = IT_REGIONS[r]!;
        fixedPool = itFixed[r]!;
      } else {
        region = REGION[country];
        fixedPool = cultureFixed.get(culture)!;
      }
      segment = rng.weighted(SEGMENT_CUM);
      if (segment !== CONSUMER) {
        const c = company(culture, rng, segment === ENTERPRISE && rng.chance(0.7));
        companyName = c.name;
        domain = c.domain;
        if (rng.chance(GROUP_START)) {
          const switchboard = draw(fixedPool);
          group = {
            left: rng.range(2, 5) - 1, culture, region, fixedPool, segment, company: companyName, domain, switchboard,
          };
          inGroup = group;
        }
      }
    }
    if (inGroup) city = book.blockPool(inGroup.switchboard.block);
    const country = CULTURE_COUNTRY[culture];
    const p = person(culture, rng);

    let email = '';
    if (segment === CONSUMER) {
      if (rng.chance(0.94)) email = privateEmail(p, country, rng);
    } else if (inGroup || rng.chance(0.85)) email = workEmail(p, domain, rng);
    else if (rng.chance(0.7)) email = privateEmail(p, country, rng);

    // Phones: 1–3 per customer, unique by construction, except the shared switchboard of a group.
    phones.length = 0;
    const mobilePool = mobilePools.get(country)!;
    if (inGroup) {
      const sw = item('switchboard', inGroup.switchboard);
      const own = rng.chance(0.6) ? item('mobile', draw(mobilePool)) : item('office', drawFixed());
      if (rng.chance(0.5)) phones.push(sw, own);
      else phones.push(own, sw);
      if (rng.chance(0.3)) phones.push(item('mobile', draw(mobilePool)));
    } else if (segment === CONSUMER) {
      const x = rng.float();
      const k = x < 0.58 ? 1 : x < 0.92 ? 2 : 3;
      const mobileFirst = rng.chance(0.8);
      phones.push(mobileFirst ? item('mobile', draw(mobilePool)) : item('home', drawFixed()));
      if (k >= 2) phones.push(mobileFirst && rng.chance(0.75) ? item('home', drawFixed()) : item('mobile', draw(mobilePool)));
      if (k >= 3) phones.push(rng.chance(0.5) ? item('office', drawFixed()) : item('mobile', draw(mobilePool)));
    } else {
      const x = rng.float();
      const k = x < 0.3 ? 1 : x < 0.8 ? 2 : 3;
      const officeFirst = rng.chance(0.6);
      phones.push(officeFirst ? item('office', drawFixed()) : item('mobile', draw(mobilePool)));
      if (k >= 2) phones.push(officeFirst ? item('mobile', draw(mobilePool)) : item('office', drawFixed()));
      if (k >= 3) phones.push(rng.chance(0.6) ? item('switchboard', drawFixed()) : item('home', drawFixed()));
    }

    // Creation time grows with the id; more customers were acquired recently.
    const pos = (i + rng.float()) / Math.max(1, n);
    let created = start + Math.floor(span * (0.3 * pos + 0.7 * Math.sqrt(pos)));
    if (created > clock.anchorSec - 3600) created = clock.anchorSec - 3600 - rng.int(3600);
    table.segment[i] = segment;
    table.created[i] = created;
    table.country[i] = COUNTRY_INDEX[country];

    const row = `${table.ids[i]!},${csvField(p.name)},${csvField(companyName)},${email},${SEGMENTS[segment]},${region},${country},${phones.join(';')},${instant(clock, created)}\n`;
    if (sink.push(row)) await sink.flush();
  }
  await sink.close();
  return table;
}
