// app:// serves the renderer's files and nothing else.
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, appRequestPath, isAppPage, mimeTypeOf, originOf } from './app-protocol';

const path = (url: string) => {
  const r = appRequestPath(url);
  return r.ok ? r.path : `refused ${r.status}`;
};

describe('app:// path resolution', () => {
  it('maps the app origin to the bundled files', () => {
    expect(path(APP_ENTRY_URL)).toBe('index.html');
    expect(path('app://pronto/')).toBe('index.html');
    expect(path('app://pronto')).toBe('index.html');
    expect(path('app://pronto/assets/index-D4x_9.js?v=1#top')).toBe('assets/index-D4x_9.js');
    expect(path('app://pronto/favicon.svg')).toBe('favicon.svg');
  });

  it('refuses every way out of the folder', () => {
    for (const url of [
      'app://pronto/a/..%2f..%2fetc%2fpasswd', 'app://pronto/%2e%2e%2f%2e%2e%2fetc/passwd', 'app://pronto/a%5c..%5c..%5cwin.ini',
      'app://pronto/a\\..\\..\\win.ini', 'app://pronto/index.html%00.png', 'app://pronto/%252e%252e/x', 'app://pronto/C:/Windows/win.ini',
      'app://pronto/.env', 'app://pronto/assets/', 'app://pronto/a//b', 'app://pronto/' + 'a/'.repeat(20) + 'x',
    ]) {
      expect(path(url), url).toMatch(/^refused 40[03]$/);
    }
    // dot segments are folded by the URL parser and stay inside the folder
    expect(path('app://pronto/assets/../../../index.html')).toBe('index.html');
    expect(path('app://pronto/%2e%2e/%2e%2e/index.html')).toBe('index.html');
  });

  it('refuses other origins and bad URLs', () => {
    expect(path('app://evil/index.html')).toBe('refused 403');
    expect(path('app://pronto:8080/index.html')).toBe('refused 403');
    expect(path('app://user:pw@pronto/index.html')).toBe('refused 403');
    expect(path('file:///etc/passwd')).toBe('refused 403');
    expect(path('not a url')).toBe('refused 400');
    expect(path('app://pronto/' + 'a'.repeat(3000))).toBe('refused 400');
  });

  it('names content types (served with nosniff)', () => {
    expect(mimeTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('assets/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('ring.mp3')).toBe('audio/mpeg');
    expect(mimeTypeOf('x.exe')).toBe('application/octet-stream');
  });
});

describe('isAppPage', () => {
  it('trusts the app origin only, or the dev server in development', () => {
    expect(originOf('app://pronto/index.html')).toBe('app://pronto');
    expect(isAppPage('app://pronto/index.html')).toBe(true);
    expect(isAppPage('app://pronto.evil/index.html')).toBe(false);
    expect(isAppPage('file:///opt/Pronto/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(isAppPage('http://localhost:5173/')).toBe(false);
    expect(isAppPage('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppPage(undefined)).toBe(false);
  });
});
