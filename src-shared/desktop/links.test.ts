// tel: and sip: links from other apps: what may be dialled (after the agent confirms).
import { describe, expect, it } from 'vitest';
import { callLinkInArgv, MAX_LINK_LENGTH, parseCallLink } from './links';

const ok = (raw: string) => {
  const r = parseCallLink(raw);
  if (!r.ok) throw new Error(`${raw}: refused (${r.reason})`);
  return r.link;
};
const reason = (raw: unknown) => {
  const r = parseCallLink(raw);
  return r.ok ? null : r.reason;
};

describe('parseCallLink: tel:', () => {
  it('reads a global number with spaces (as browsers pass it, encoded or not)', () => {
    expect(ok('tel:+39 02 1234')).toEqual({ scheme: 'tel', target: '+39021234', display: '+39 02 1234' });
    expect(ok('tel:+39%2002%201234')).toEqual({ scheme: 'tel', target: '+39021234', display: '+39 02 1234' });
    expect(ok('TEL:+390212345678').target).toBe('+390212345678');
  });

  it('drops RFC 3966 visual separators and parameters', () => {
    expect(ok('tel:+1-(555)-123.4567').target).toBe('+15551234567');
    expect(ok('tel:02/1234-567').target).toBe('021234567');
    expect(ok('tel:+39-02-1234;ext=12;phone-context=example.com').target).toBe('+39021234');
    expect(ok('tel:*21#').target).toBe('*21#');
  });

  it('refuses what is not a number', () => {
    expect(reason('tel:')).toBe('empty');
    expect(reason('tel:hello')).toBe('not a phone number');
    expect(reason('tel:+39 02 12a4')).toBe('not a phone number');
    expect(reason('tel:1')).toBe('too short');
    expect(reason('tel:+' + '1'.repeat(21))).toBe('too long');
    expect(reason('tel:%E0%A4%A')).toBe('bad percent-encoding');
    expect(reason('tel:+39%0A021234')).toBe('control characters');
    expect(reason('tel:+39%E2%80%AE021234')).toBe('control characters');
  });
});

describe('parseCallLink: sip:', () => {
  it('reads user@host, with a port, and sips:', () => {
    expect(ok('sip:1001@pbx.example.com')).toEqual({ scheme: 'sip', target: 'sip:1001@pbx.example.com', display: '1001@pbx.example.com' });
    expect(ok('sip:1001@host')).toEqual({ scheme: 'sip', target: 'sip:1001@host', display: '1001@host' });
    expect(ok('SIP:Alice.Smith@PBX.Example.com:5061').target).toBe('sip:Alice.Smith@pbx.example.com:5061');
    expect(ok('sips:+390212345@10.0.0.5').target).toBe('sips:+390212345@10.0.0.5');
    expect(ok('sip:1001@[2001:db8::1]:5060').target).toBe('sip:1001@[2001:db8::1]:5060');
  });

  it('drops URI parameters and headers instead of honouring them', () => {
    expect(ok('sip:1001@pbx.example.com;transport=tcp?Subject=hi&Replaces=abc').target).toBe('sip:1001@pbx.example.com');
    expect(ok('sip:1001;user=phone@pbx.example.com').target).toBe('sip:1001@pbx.example.com');
  });

  it('refuses garbage, passwords and smuggled separators', () => {
    expect(reason('sip:pbx.example.com')).toBe('no user in the SIP address');
    expect(reason('sip:@pbx.example.com')).toBe('no user in the SIP address');
    expect(reason('sip:1001:secret@pbx.example.com')).toBe('not a SIP user');
    expect(reason('sip:a@b@c.example')).toBe('not a SIP user');
    expect(reason('sip:1001%3Btransport%3Dtls@pbx')).toBe('not a SIP user');
    expect(reason('sip:1001@')).toBe('not a SIP host');
    expect(reason('sip:1001@-bad-.example')).toBe('not a SIP host');
    expect(reason('sip:1001@host:99999')).toBe('not a SIP host');
    expect(reason('sip:1001@host name')).toBe('not a SIP host');
    expect(reason('sip:%0A1001@host')).toBe('not a SIP user');
  });
});

describe('parseCallLink: anything else', () => {
  it('refuses other schemes, non-text and garbage', () => {
    expect(reason('https://example.com')).toBe('not a tel: or sip: link');
    expect(reason('javascript:alert(1)')).toBe('not a tel: or sip: link');
    expect(reason('callto:123')).toBe('not a tel: or sip: link');
    expect(reason(42)).toBe('not text');
    expect(reason(undefined)).toBe('not text');
    expect(reason('')).toBe('not a tel: or sip: link');
    expect(reason('\u0000\u0001tel:')).toBe('not a tel: or sip: link');
  });

  it('refuses overlong input before reading it, and answers at once for huge input', () => {
    expect(reason('tel:+39' + ' '.repeat(MAX_LINK_LENGTH))).toBe('too long');
    const huge = 'sip:' + 'a'.repeat(5_000_000) + '@' + 'b'.repeat(5_000_000);
    const t0 = performance.now();
    expect(reason(huge)).toBe('too long');
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('callLinkInArgv', () => {
  it('finds the link among Electron and Chromium arguments', () => {
    expect(callLinkInArgv(['/opt/Pronto/pronto', '--no-sandbox', '--data-dir', '/d', 'tel:+39 02 1234'])).toEqual({ scheme: 'tel', target: '+39021234', display: '+39 02 1234' });
    expect(callLinkInArgv(['C:\\Pronto\\Pronto.exe', '--allow-file-access-from-files', 'sip:1001@pbx'])?.target).toBe('sip:1001@pbx');
  });

  it('answers null without a link, or for a bad one', () => {
    expect(callLinkInArgv(['/opt/Pronto/pronto', '.'])).toBeNull();
    expect(callLinkInArgv(['/opt/Pronto/pronto', 'tel:not-a-number'])).toBeNull();
    expect(callLinkInArgv([42, null, 'tel:' + '1'.repeat(400)])).toBeNull();
  });
});
