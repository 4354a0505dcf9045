// The demo catalogue: an office supplier selling coffee & water service, printing and IT to homes,
// small businesses and enterprises. 19 families × 3 tiers; every product names 2–3 companions
// (the consumable of a machine, the service plan of a device, the accessory of a laptop…) that
// drive the co-purchase structure of purchases.csv.

export type QtyClass = 'unit' | 'device' | 'consumable' | 'plan' | 'seat';
export type Profile = 'coffee' | 'print' | 'it';

export interface Family {
  code: string;
  family: string;
  category: string;
  qty: QtyClass;
  /** Families a customer can "enter" with (machines, devices, contracts), by interest profile. */
  profile: Profile | null;
  /** Share of entries into this profile that start with this family. */
  entryWeight: number;
  /** [name, price EUR, margin] for tiers 1..3. */
  tiers: [string, number, number][];
}

export const FAMILIES: Family[] = [
  { code: 'ESP', family: 'Espresso', category: 'Coffee machines', qty: 'unit', profile: 'coffee', entryWeight: 5,
    tiers: [['Espresso Compact', 189, 0.34], ['Espresso Plus', 349, 0.36], ['Espresso Pro', 749, 0.38]] },
  { code: 'BTC', family: 'Bean-to-Cup', category: 'Coffee machines', qty: 'unit', profile: 'coffee', entryWeight: 2.5,
    tiers: [['Bean-to-Cup Office 20', 1490, 0.29], ['Bean-to-Cup Office 50', 2890, 0.31], ['Bean-to-Cup Office 120', 5490, 0.33]] },
  { code: 'AQP', family: 'AquaPoint', category: 'Water dispensers', qty: 'unit', profile: 'coffee', entryWeight: 1.5,
    tiers: [['AquaPoint Tabletop', 690, 0.3], ['AquaPoint Floor', 1190, 0.32], ['AquaPoint Sparkling', 1890, 0.35]] },
  { code: 'CAP', family: 'Capsules', category: 'Coffee & consumables', qty: 'consumable', profile: null, entryWeight: 0,
    tiers: [['Capsules Classico x100', 29, 0.41], ['Capsules Intenso x100', 34, 0.43], ['Capsules Origine x100', 42, 0.46]] },
  { code: 'BEA', family: 'Coffee Beans', category: 'Coffee & consumables', qty: 'consumable', profile: null, entryWeight: 0,
    tiers: [['Beans Bar Blend 1 kg', 18.5, 0.38], ['Beans Crema 1 kg', 22.9, 0.4], ['Beans Single Origin 1 kg', 31, 0.44]] },
  { code: 'MCK', family: 'Machine Care Kit', category: 'Coffee & consumables', qty: 'consumable', profile: null, entryWeight: 0,
    tiers: [['Care Kit Basic (descaler, filter)', 24.9, 0.52], ['Care Kit Plus', 39, 0.54], ['Care Kit Pro', 59, 0.55]] },
  { code: 'RFC', family: 'Refresh Care', category: 'Service plans', qty: 'plan', profile: null, entryWeight: 0,
    tiers: [['Refresh Care Basic, 1 year', 149, 0.62], ['Refresh Care Plus, 1 year', 299, 0.64], ['Refresh Care Premium, 1 year', 590, 0.66]] },
  { code: 'PRT', family: 'PrintLine', category: 'Printers', qty: 'unit', profile: 'print', entryWeight: 5,
    tiers: [['PrintLine Mono S', 229, 0.22], ['PrintLine Mono MFP', 449, 0.24], ['PrintLine Color MFP', 899, 0.26]] },
  { code: 'TON', family: 'Toner', category: 'Printing supplies', qty: 'consumable', profile: null, entryWeight: 0,
    tiers: [['Toner Standard', 69, 0.45], ['Toner High Yield', 119, 0.47], ['Toner Color Set (CMYK)', 289, 0.5]] },
  { code: 'PAP', family: 'Paper', category: 'Printing supplies', qty: 'consumable', profile: null, entryWeight: 0,
    tiers: [['Paper A4 80 g, 5 × 500 sheets', 27.5, 0.18], ['Paper A4 Premium 90 g', 36, 0.21], ['Paper A4 Premium 100 g', 44, 0.23]] },
  { code: 'PCR', family: 'Print Care', category: 'Service plans', qty: 'plan', profile: 'print', entryWeight: 0.6,
    tiers: [['Print Care Basic, 1 year', 99, 0.6], ['Print Care Plus, 1 year', 219, 0.62], ['Print Care Premium, 1 year', 449, 0.65]] },
  { code: 'NBK', family: 'Notebook', category: 'IT hardware', qty: 'device', profile: 'it', entryWeight: 4,
    tiers: [['Notebook Business 14', 899, 0.12], ['Notebook Business Pro 14', 1349, 0.14], ['Notebook Ultra 16', 2199, 0.16]] },
  { code: 'MON', family: 'Monitor', category: 'IT hardware', qty: 'device', profile: 'it', entryWeight: 2,
    tiers: [['Monitor 24" FHD', 179, 0.17], ['Monitor 27" QHD', 329, 0.19], ['Monitor 34" Ultrawide', 649, 0.21]] },
  { code: 'DCK', family: 'Docking', category: 'Accessories', qty: 'device', profile: null, entryWeight: 0,
    tiers: [['Dock USB-C Basic', 89, 0.3], ['Dock USB-C Pro', 189, 0.32], ['Dock Thunderbolt', 289, 0.33]] },
  { code: 'HST', family: 'Headset', category: 'Accessories', qty: 'device', profile: 'it', entryWeight: 1.2,
    tiers: [['Headset Mono', 49, 0.35], ['Headset Stereo', 89, 0.36], ['Headset Wireless ANC', 219, 0.38]] },
  { code: 'NET', family: 'Networking', category: 'IT hardware', qty: 'unit', profile: 'it', entryWeight: 1.2,
    tiers: [['Wi-Fi Access Point', 149, 0.25], ['Router Business', 349, 0.27], ['Firewall Appliance', 990, 0.3]] },
  { code: 'HLP', family: 'Helpdesk', category: 'Service plans', qty: 'plan', profile: 'it', entryWeight: 1.5,
    tiers: [['Helpdesk Basic, 1 year', 390, 0.55], ['Helpdesk Business, 1 year', 890, 0.58], ['Helpdesk 24x7, 1 year', 1990, 0.6]] },
  { code: 'BKP', family: 'Cloud Backup', category: 'Software & cloud', qty: 'plan', profile: null, entryWeight: 0,
    tiers: [['Cloud Backup 100 GB, 1 year', 59, 0.7], ['Cloud Backup 1 TB, 1 year', 149, 0.72], ['Cloud Backup 5 TB, 1 year', 490, 0.74]] },
  { code: 'SEC', family: 'Endpoint Security', category: 'Software & cloud', qty: 'seat', profile: null, entryWeight: 0,
    tiers: [['Endpoint Security Essential, per seat', 29, 0.68], ['Endpoint Security Business, per seat', 49, 0.7], ['Endpoint Security Enterprise, per seat', 89, 0.72]] },
];

/** Companions by SKU code ("ESP1" = family ESP tier 1). */
const COMPANIONS: Record<string, string[]> = {
  ESP1: ['CAP1', 'MCK1', 'RFC1'], ESP2: ['CAP2', 'MCK1', 'RFC2'], ESP3: ['CAP3', 'MCK2', 'RFC2'],
  BTC1: ['BEA1', 'MCK2', 'RFC1'], BTC2: ['BEA2', 'MCK3', 'RFC2'], BTC3: ['BEA3', 'MCK3', 'RFC3'],
  AQP1: ['MCK1', 'RFC1'], AQP2: ['MCK2', 'RFC2'], AQP3: ['MCK3', 'RFC3'],
  CAP1: ['CAP2', 'MCK1'], CAP2: ['CAP1', 'CAP3'], CAP3: ['CAP2', 'MCK1'],
  BEA1: ['BEA2', 'MCK2'], BEA2: ['BEA1', 'BEA3'], BEA3: ['BEA2', 'MCK3'],
  MCK1: ['CAP1', 'CAP2'], MCK2: ['BEA2', 'CAP2'], MCK3: ['BEA2', 'RFC3'],
  RFC1: ['MCK1', 'CAP1'], RFC2: ['MCK2', 'BEA2'], RFC3: ['MCK3', 'BEA3'],
  PRT1: ['TON1', 'PAP1', 'PCR1'], PRT2: ['TON2', 'PAP1', 'PCR2'], PRT3: ['TON3', 'PAP2', 'PCR3'],
  TON1: ['PAP1', 'TON2'], TON2: ['PAP1', 'PAP2'], TON3: ['PAP3', 'PAP2'],
  PAP1: ['TON1', 'PAP2'], PAP2: ['TON2', 'PAP1'], PAP3: ['TON3', 'PAP2'],
  PCR1: ['TON1', 'PAP1'], PCR2: ['TON2', 'PAP2'], PCR3: ['TON3', 'PAP3'],
  NBK1: ['DCK1', 'MON1', 'SEC1'], NBK2: ['DCK2', 'MON2', 'SEC2'], NBK3: ['DCK3', 'MON3', 'HST3'],
  MON1: ['DCK1', 'HST1'], MON2: ['DCK2', 'HST2'], MON3: ['DCK3', 'HST3'],
  DCK1: ['MON1', 'HST1'], DCK2: ['MON2', 'HST2'], DCK3: ['MON3', 'NBK3'],
  HST1: ['MON1', 'HST2'], HST2: ['DCK2', 'HST3'], HST3: ['DCK3', 'MON3'],
  NET1: ['NET2', 'HLP1', 'BKP1'], NET2: ['NET1', 'HLP2', 'SEC2'], NET3: ['HLP3', 'SEC3', 'BKP3'],
  HLP1: ['SEC1', 'BKP1'], HLP2: ['SEC2', 'BKP2'], HLP3: ['SEC3', 'BKP3', 'NET3'],
  BKP1: ['SEC1', 'HLP1'], BKP2: ['SEC2', 'HLP2'], BKP3: ['SEC3', 'HLP3'],
  SEC1: ['BKP1', 'HLP1'], SEC2: ['BKP2', 'HLP2'], SEC3: ['BKP3', 'NET3'],
};

/** Popularity of each family for the "noise" purchases (by segment: consumer, smb, enterprise). */
const FAMILY_POPULARITY: Record<string, [number, number, number]> = {
  ESP: [6, 3, 1], BTC: [0.3, 2, 3], AQP: [0.5, 2, 2.5], CAP: [9, 5, 3], BEA: [3, 4, 4], MCK: [4, 4, 3], RFC: [1.5, 2.5, 3],
  PRT: [3, 3, 2], TON: [4, 5, 5], PAP: [5, 7, 7], PCR: [0.8, 2, 3],
  NBK: [4, 3, 4], MON: [3, 3, 4], DCK: [1.5, 2, 3], HST: [3, 2.5, 3.5], NET: [1.5, 2, 2], HLP: [0.5, 2, 3], BKP: [2, 2.5, 2.5], SEC: [2, 3, 4],
};

export interface Product {
  index: number;
  sku: string;
  name: string;
  category: string;
  family: string;
  familyIndex: number;
  tier: number;
  priceCents: number;
  margin: number;
  qty: QtyClass;
  companions: number[];
  /** Next tier of the same family, or -1. */
  upgrade: number;
  popularity: [number, number, number];
}

export const PRODUCTS: Product[] = [];
const byCode = new Map<string, number>();
FAMILIES.forEach((f, fi) => {
  f.tiers.forEach(([name, price, margin], ti) => {
    byCode.set(`${f.code}${ti + 1}`, PRODUCTS.length);
    const pop = FAMILY_POPULARITY[f.code]!;
    // Entry tiers sell more than top tiers.
    const tierShare = [1, 0.7, 0.45][ti]!;
    PRODUCTS.push({
      index: PRODUCTS.length,
      sku: `${f.code}-${(ti + 1) * 100}`,
      name,
      category: f.category,
      family: f.family,
      familyIndex: fi,
      tier: ti + 1,
      priceCents: Math.round(price * 100),
      margin,
      qty: f.qty,
      companions: [],
      upgrade: -1,
      popularity: [pop[0] * tierShare, pop[1] * tierShare, pop[2] * tierShare],
    });
  });
});
for (const p of PRODUCTS) {
  const code = `${FAMILIES[p.familyIndex]!.code}${p.tier}`;
  p.companions = COMPANIONS[code]!.map((c) => {
    const i = byCode.get(c);
    if (i === undefined) throw new Error(`unknown companion ${c}`);
    return i;
  });
  if (p.tier < 3) p.upgrade = byCode.get(`${FAMILIES[p.familyIndex]!.code}${p.tier + 1}`)!;
}

/** Product index of a family's tier (tier 1..3). */
export function productOf(familyIndex: number, tier: number): number {
  return familyIndex * 3 + tier - 1;
}
