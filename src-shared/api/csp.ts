// The renderer's Content-Security-Policy, sent by both hosts (the web host's responses, Electron's
// session headers): defined once beside the contract the renderer is served with.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";
