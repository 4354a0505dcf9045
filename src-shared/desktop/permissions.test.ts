// Permissions: our origin only, audio only, notifications; openExternal from an allowlist.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from './app-protocol';
import { externalOrigins, externalUrlAllowed, permissionAllowed } from './permissions';

const ours = [APP_ORIGIN];
const page = 'app://pronto/index.html';

describe('permission decisions (request and check handlers)', () => {
  it('grants the microphone to our page, never the camera', () => {
    expect(permissionAllowed({ permission: 'media', requestingUrl: page, mediaTypes: ['audio'] }, ours)).toBe(true);
    expect(permissionAllowed({ permission: 'media', requestingUrl: page, mediaTypes: ['video'] }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'media', requestingUrl: page, mediaTypes: ['audio', 'video'] }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'media', requestingUrl: page, mediaTypes: [] }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'media', requestingUrl: page }, ours)).toBe(false);
    // a check (navigator.permissions, device labels) names one media type, or "unknown"
    expect(permissionAllowed({ permission: 'media', requestingUrl: APP_ORIGIN, mediaTypes: ['unknown'] }, ours)).toBe(true);
    expect(permissionAllowed({ permission: 'media', requestingUrl: APP_ORIGIN, mediaTypes: ['video'] }, ours)).toBe(false);
  });

  it('grants notifications, the speaker choice and clipboard writes to our page', () => {
    for (const permission of ['notifications', 'speaker-selection', 'clipboard-sanitized-write']) {
      expect(permissionAllowed({ permission, requestingUrl: page }, ours), permission).toBe(true);
    }
  });

  it('refuses everything else, other origins and subframes', () => {
    for (const permission of ['geolocation', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'display-capture', 'hid', 'serial', 'usb', 'unknown']) {
      expect(permissionAllowed({ permission, requestingUrl: page, mediaTypes: ['audio'] }, ours), permission).toBe(false);
    }
    expect(permissionAllowed({ permission: 'notifications', requestingUrl: 'https://evil.example/' }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'notifications', requestingUrl: 'file:///tmp/x.html' }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'notifications', requestingUrl: undefined }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'media', requestingUrl: page, mediaTypes: ['audio'], isMainFrame: false }, ours)).toBe(false);
    // the dev server is trusted only when it is the page (electron-vite dev)
    expect(permissionAllowed({ permission: 'notifications', requestingUrl: 'http://localhost:5173/' }, ours)).toBe(false);
    expect(permissionAllowed({ permission: 'notifications', requestingUrl: 'http://localhost:5173/' }, ['http://localhost:5173'])).toBe(true);
  });
});

describe('shell.openExternal allowlist', () => {
  const allowed = externalOrigins('https://hub.example.com:8443/v1', ['https://help.example.com']);

  it('is the https hub origin and the extras given', () => {
    expect(allowed).toEqual(['https://hub.example.com:8443', 'https://help.example.com']);
    expect(externalOrigins('http://127.0.0.1:8780')).toEqual([]);
    expect(externalOrigins(undefined)).toEqual([]);
    expect(externalOrigins('not a url')).toEqual([]);
  });

  it('opens only https URLs of those origins', () => {
    expect(externalUrlAllowed('https://hub.example.com:8443/help/agents', allowed)).toBe(true);
    expect(externalUrlAllowed('https://help.example.com/x?y=1', allowed)).toBe(true);
    for (const url of [
      'https://hub.example.com/help', 'http://hub.example.com:8443/help', 'https://evil.example/', 'file:///etc/passwd',
      'smb://host/share', 'javascript:alert(1)', 'ms-settings:', 'https://user:pw@help.example.com/', 'https://help.example.com.evil.example/',
      'not a url', 'https://help.example.com/' + 'a'.repeat(3000),
    ]) {
      expect(externalUrlAllowed(url, allowed), url).toBe(false);
    }
  });
});
