// The desktop's one configuration: defaults, precedence, errors that name the variable, and the
// README's table kept equal to the definitions (an undocumented key fails here).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTable, ConfigError } from '../src-shared/config/define';
import { DESKTOP_CONFIG, dataDirOf, loadDesktopConfig } from './config';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('desktop config', () => {
  it('has a default for every setting that needs one', () => {
    const c = loadDesktopConfig({}, {});
    expect(c).toMatchObject({ region: 'IT', wrapUpSeconds: 60, slowApiMs: 50, syncThread: true, syncAheadMb: 256, importWorkerMinBytes: 4 << 20 });
    expect(c.hubUrl).toBeUndefined();
    expect(dataDirOf(c, () => '/fallback')).toBe('/fallback');
  });

  it('reads the environment, and a flag beats its variable', () => {
    const env = { PRONTO_REGION: 'de', PRONTO_DATA_DIR: '/env', PRONTO_SYNC_THREAD: '0', PRONTO_SYNC_AHEAD_MB: '1_024', PRONTO_HUB_URL: 'http://127.0.0.1:8780' };
    const c = loadDesktopConfig({ 'data-dir': '/flag' }, env);
    expect(c).toMatchObject({ region: 'DE', dataDir: '/flag', syncThread: false, syncAheadMb: 1024, hubUrl: 'http://127.0.0.1:8780' });
    expect(loadDesktopConfig({ region: 'us' }, env).region).toBe('US');
  });

  it('names every bad value and where it came from', () => {
    expect(() => loadDesktopConfig({ region: 'XX' }, { PRONTO_SYNC_AHEAD_MB: 'lots', PRONTO_HUB_URL: 'ftp://x' })).toThrow(ConfigError);
    try {
      loadDesktopConfig({ region: 'XX' }, { PRONTO_SYNC_AHEAD_MB: 'lots', PRONTO_HUB_URL: 'ftp://x' });
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain('--region: is not a supported ISO 3166 region (got "XX")');
      expect(m).toContain('PRONTO_SYNC_AHEAD_MB: must be a whole number from 1 to 65536 (got "lots")');
      expect(m).toContain('PRONTO_HUB_URL: must start with http:// or https:// (got "ftp://x")');
    }
  });

  it("is documented in the README's table, key by key", () => {
    expect(README).toContain(configTable(DESKTOP_CONFIG));
  });

  it('every PRONTO_* variable the code names is documented in the README', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs', '*.sh', '*.cfg'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n').filter((f) => f && !f.startsWith('node_modules/') && !/\.test\.tsx?$/.test(f)); // tests may name made-up variables
    const named = new Set<string>();
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, f), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      for (const m of text.matchAll(/\bPRONTO_[A-Z0-9_]*[A-Z0-9]\b/g)) named.add(m[0]);
    }
    const missing = [...named].filter((v) => !README.includes(`\`${v}\``)).sort();
    expect(missing).toEqual([]);
  });
});
