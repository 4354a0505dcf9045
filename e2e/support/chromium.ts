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

/** Softphone pages: fake microphone, no permission prompts, real RTP over loopback (inside the
 *  lab's network namespace), and no throttling of background pages (several agents per browser). */
export const CHROMIUM_MEDIA_ARGS = [
  ...CHROMIUM_BASE_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
