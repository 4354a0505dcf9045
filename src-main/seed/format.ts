// Text formatting shared by the feed writers (no Date objects in the hot loops).

export const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Integer cents → "1234.56" / "-3.50". */
export function money(cents: number): string {
  let c = cents;
  let sign = '';
  if (c < 0) {
    sign = '-';
    c = -c;
  }
  const units = Math.floor(c / 100);
  return `${sign}${units}.${PAD2[c - units * 100]!}`;
}
