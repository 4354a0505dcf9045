// The renderer's Content-Security-Policy, defined once beside the contract the renderer is served
// with: sent as a header by both hosts (the web host's responses, Electron's session headers) and
// written into index.html's meta tag at build time (electron.vite.config.ts), so a page opened
// without either host's headers is held to the same policy.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/** The same policy for a <meta> tag, which cannot carry frame-ancestors (browsers ignore it there, with a warning). */
export const CSP_META = CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
