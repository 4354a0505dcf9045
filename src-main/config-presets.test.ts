// An installer's pronto.conf (issue 20): beside the app and in the data dir, under the environment.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-support/desktop/fixtures';
import { ConfigError } from '../src-shared/config/define';
import { loadDesktopConfigWithPresets, readPresets } from './config';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dirs(): { app: string; data: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const app = join(t.dir, 'app');
  const data = join(t.dir, 'data');
  mkdirSync(app);
  mkdirSync(data);
  return { app, data };
}

describe('pronto.conf presets', () => {
  it('presets the hub beside the app; the data dir beats it; the environment beats both', () => {
    const d = dirs();
    writeFileSync(join(d.app, 'pronto.conf'), '# installer\nPRONTO_HUB_URL=https://hub.example.com\nPRONTO_REGION="DE"\n');
    let c = loadDesktopConfigWithPresets({}, { PRONTO_DATA_DIR: d.data }, d.app);
    expect(c.hubUrl).toBe('https://hub.example.com');
    expect(c.region).toBe('DE');
    expect(c.hubToken).toBeUndefined();
    writeFileSync(join(d.data, 'pronto.conf'), 'PRONTO_HUB_URL=https://other.example.com\n');
    c = loadDesktopConfigWithPresets({}, { PRONTO_DATA_DIR: d.data }, d.app);
    expect(c.hubUrl).toBe('https://other.example.com');
    c = loadDesktopConfigWithPresets({}, { PRONTO_DATA_DIR: d.data, PRONTO_HUB_URL: 'https://env.example.com', PRONTO_REGION: '' }, d.app);
    expect(c.hubUrl).toBe('https://env.example.com');
    expect(c.region).toBe('DE'); // an empty variable does not hide the preset
    // the data dir named by a flag
    c = loadDesktopConfigWithPresets({ 'data-dir': d.data }, {}, null);
    expect(c.hubUrl).toBe('https://other.example.com');
  });

  it('refuses a line that is not a known setting, naming the file and line', () => {
    const d = dirs();
    writeFileSync(join(d.app, 'pronto.conf'), 'PRONTO_HUB_URL=https://hub.example.com\nPRONTO_HUB_URLL=x\n');
    expect(() => readPresets([d.app])).toThrow(ConfigError);
    expect(() => readPresets([d.app])).toThrow(/pronto\.conf:2/);
  });
});
