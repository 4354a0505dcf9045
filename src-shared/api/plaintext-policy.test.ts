// Desktops refuse an http:// hub or a ws:// SIP server on another machine unless allowed.
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, plaintextRefusal } from './plaintext-policy';

describe('plaintextRefusal', () => {
  it('loopback may be plain; encrypted may be anywhere', () => {
    for (const url of ['http://127.0.0.1:8780', 'http://localhost:8780/', 'http://127.8.9.10', 'http://[::1]:8780', 'https://hub.example.com', 'http://app.localhost']) {
      expect(plaintextRefusal('hub', url, false)).toBeNull();
    }
    for (const url of ['ws://127.0.0.1:8080', 'ws://localhost:8080', 'wss://pbx.example.com:8089']) expect(plaintextRefusal('sip', url, false)).toBeNull();
  });

  it('plain text to another machine is refused, with the fix named', () => {
    expect(plaintextRefusal('hub', 'http://hub.example.com', false)).toBe(
      'http://hub.example.com is a hub over an unencrypted connection to another machine: use https:// (or set PRONTO_ALLOW_PLAINTEXT=1)');
    for (const url of ['http://10.0.0.5:8780', 'http://127.0.0.1.evil.example', 'http://[::ffff:10.0.0.1]']) expect(plaintextRefusal('hub', url, false)).toMatch(/unencrypted/);
    expect(plaintextRefusal('sip', 'ws://pbx.example.com:8080', false)).toMatch(/SIP server .*use wss:\/\//);
  });

  it('allowed explicitly: accepted', () => {
    expect(plaintextRefusal('hub', 'http://10.0.0.5:8780', true)).toBeNull();
    expect(plaintextRefusal('sip', 'ws://10.0.0.6:8080', true)).toBeNull();
  });

  it('isLoopbackHost', () => {
    expect(['127.0.0.1', '127.255.255.254', 'localhost', 'LOCALHOST', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(plaintextRefusal('hub', 'http://0x7f.1', false)).toBeNull(); // URL reads it as 127.0.0.1
    expect(['128.0.0.1', '127.0.0', '127.0.0.256', '10.0.0.1', 'example.com', '127.0.0.1.nip.io'].some(isLoopbackHost)).toBe(false);
  });
});
