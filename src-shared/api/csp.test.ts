import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_META, cspFor, cspSource, metaOf } from './csp';

describe('one CSP', () => {
  it('the meta tag carries the header policy less what a meta tag cannot carry', () => {
    expect(CSP_META).not.toMatch(/frame-ancestors/);
    expect(CSP_META.split('; ')).toEqual(CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')));
  });
  it('index.html holds no copy of its own: the build writes the policy in', () => {
    const html = readFileSync(join(__dirname, '../../src-renderer/index.html'), 'utf8');
    expect(html).toContain('content="%RENDERER_CSP%"');
    expect(html).not.toMatch(/default-src/);
  });
});

describe('cspFor: connect-src names the configured endpoints, never any ws:/wss:', () => {
  const connect = (csp: string): string[] => csp.split('; ').find((d) => d.startsWith('connect-src '))!.split(' ').slice(1);

  it('the SIP server and the hub (with its WebSocket twin), as origins', () => {
    const csp = cspFor({ sipServer: 'wss://pbx.example.com:8089/ws', hubUrl: 'https://hub.example.com/' });
    expect(connect(csp)).toEqual(["'self'", 'wss://pbx.example.com:8089', 'https://hub.example.com', 'wss://hub.example.com']);
    expect(connect(cspFor({ sipServer: 'ws://127.0.0.1:8080', hubUrl: 'http://10.0.0.5:8780' }))).toEqual(["'self'", 'ws://127.0.0.1:8080', 'http://10.0.0.5:8780', 'ws://10.0.0.5:8780']);
  });

  it('nothing configured: only the page\'s own host', () => {
    expect(connect(cspFor({}))).toEqual(["'self'"]);
    expect(cspFor({})).not.toMatch(/ wss?:( |;)/);
  });

  it('configured text cannot add sources or directives', () => {
    for (const sipServer of ["ws://a.example; script-src 'unsafe-inline'", 'ws://a.example wss:', 'javascript:alert(1)', 'not a url', 'ws://', "wss://x.example/'self' *"]) {
      const csp = cspFor({ sipServer });
      expect(csp.split('; ')).toHaveLength(CSP.split('; ').length);
      expect(csp).not.toContain('unsafe-inline');
      expect(connect(csp).every((s) => s === "'self'" || /^wss?:\/\/[^\s;']+$/.test(s))).toBe(true);
    }
    expect(cspSource("ws://a.example; script-src 'unsafe-inline'")).toBeNull();
  });

  it('everything but connect-src is the build-time policy', () => {
    const csp = cspFor({ sipServer: 'ws://127.0.0.1:8080' });
    expect(csp.split('; ').filter((d) => !d.startsWith('connect-src'))).toEqual(CSP.split('; ').filter((d) => !d.startsWith('connect-src')));
    expect(metaOf(csp)).not.toMatch(/frame-ancestors/);
  });
});
