// The desktop refuses an http:// hub or a ws:// SIP server on another machine unless
// PRONTO_ALLOW_PLAINTEXT=1: in its configuration and in the softphone settings a page saves.
import { describe, expect, it } from 'vitest';
import { loadDesktopConfig } from '../config';
import { ConfigError } from '../../src-shared/config/define';
import { DesktopApi } from './desktop-api';
import { tempDesktop, type Cleanups } from '../../test-support/desktop/fixtures';

describe('desktop config', () => {
  it('refuses PRONTO_HUB_URL / --hub and PRONTO_SIP_SERVER in clear to another machine, unless PRONTO_ALLOW_PLAINTEXT=1', () => {
    expect(() => loadDesktopConfig({}, { PRONTO_HUB_URL: 'http://hub.example.com:8780' })).toThrow(ConfigError);
    expect(() => loadDesktopConfig({}, { PRONTO_HUB_URL: 'http://hub.example.com:8780' })).toThrow(/^PRONTO_HUB_URL: http:\/\/hub\.example\.com:8780 is a hub over an unencrypted/);
    expect(() => loadDesktopConfig({ hub: 'http://10.1.1.1' }, {})).toThrow(/^--hub: /);
    expect(() => loadDesktopConfig({}, { PRONTO_SIP_SERVER: 'ws://pbx.example.com:8080' })).toThrow(/^PRONTO_SIP_SERVER: .*use wss:\/\//);
    expect(loadDesktopConfig({}, { PRONTO_HUB_URL: 'http://hub.example.com:8780', PRONTO_SIP_SERVER: 'ws://pbx.example.com', PRONTO_ALLOW_PLAINTEXT: '1' }).hubUrl).toBe('http://hub.example.com:8780');
    expect(loadDesktopConfig({}, { PRONTO_HUB_URL: 'http://127.0.0.1:8780', PRONTO_SIP_SERVER: 'ws://127.0.0.1:8080' }).allowPlaintext).toBe(false);
  });

  it('the softphone settings refuse a ws:// server on another machine too', async () => {
    const cleanups: Cleanups = [];
    try {
      const { store } = tempDesktop(cleanups);
      const settings = { server: 'ws://pbx.example.com:8080', uri: 'sip:1001@pbx.example.com', user: '1001', password: 'x', displayName: '', region: 'IT' };
      const strict = new DesktopApi({ store, region: 'IT', host: 'web', config: loadDesktopConfig({}, {}) });
      await expect(strict.dispatch('softphoneConfigSave', settings)).rejects.toThrow(/server: ws:\/\/pbx\.example\.com:8080 is a SIP server over an unencrypted connection/);
      await expect(strict.dispatch('softphoneConfigSave', { ...settings, server: 'wss://pbx.example.com:8089' })).resolves.toMatchObject({ ok: true });
      const lab = new DesktopApi({ store, region: 'IT', host: 'web', config: loadDesktopConfig({}, { PRONTO_ALLOW_PLAINTEXT: '1' }) });
      await expect(lab.dispatch('softphoneConfigSave', settings)).resolves.toMatchObject({ ok: true });
      // settings saved earlier (Electron's store) are checked when read, too: no clear-text server is used
      const saved = new DesktopApi({ store, region: 'IT', host: 'electron', config: loadDesktopConfig({}, {}), platform: { loadSoftphone: () => settings } });
      await expect(saved.dispatch('softphoneConfig', {})).resolves.toBeNull();
      await expect(saved.dispatch('softphoneCredential', { realm: 'pronto.local' })).resolves.toBeNull();
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
  });
});
