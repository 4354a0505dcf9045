// Debian's Chromium and the flags every test browser gets (Playwright's own download cannot be
// installed here). One list for the Playwright config, the telephony lab and the benchmarks.
export const CHROMIUM = process.env.PRONTO_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
