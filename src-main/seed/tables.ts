// Per-customer state handed from one feed to the next (typed arrays indexed by customer), and the
// segment and country codes those arrays hold.
import type { Country } from './phones';

export const SEGMENTS = ['consumer', 'smb', 'enterprise'] as const;
export const CONSUMER = 0;
export const SMB = 1;
export const ENTERPRISE = 2;

export const COUNTRIES: Country[] = ['IT', 'DE', 'FR', 'ES', 'GB', 'US', 'CH', 'AT', 'NL'];
export const COUNTRY_INDEX = Object.fromEntries(COUNTRIES.map((c, i) => [c, i])) as Record<Country, number>;

export interface CustomerTable {
  ids: string[];
  segment: Uint8Array;
  created: Uint32Array;
  country: Uint8Array;
}

export interface PurchaseTable {
  count: Uint32Array;
  spend90: Float64Array;
  spend365: Float64Array;
  spendAll: Float64Array;
  first: Uint32Array;
  last: Uint32Array;
}

export interface AccountTable {
  has: Uint8Array;
  balance: Float64Array;
  overdue: Float64Array;
  overdueDays: Uint16Array;
}
