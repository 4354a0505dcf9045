// The hub's one configuration: defaults, precedence, errors that name the variable, and the
// README's table kept equal to the definitions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTable } from '../src-shared/config/define';
import { HUB_CONFIG, defaultPoolSize, loadHubConfig } from './config';

describe('hub config', () => {
  it('defaults, environment, flags', () => {
    expect(loadHubConfig({}, {})).toMatchObject({ dataDir: '.data/hub', snapshots: true, trace: false, port: 8780, host: '127.0.0.1' });
    const c = loadHubConfig({ port: '9000' }, { PRONTO_HUB_PORT: '8000', PRONTO_HUB_SNAPSHOTS: '0', PRONTO_HUB_POOL_SIZE: '5', DATABASE_URL: 'postgres://u@127.0.0.1/p' });
    expect(c).toMatchObject({ port: 9000, snapshots: false, poolSize: 5, databaseUrl: 'postgres://u@127.0.0.1/p' });
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(3);
  });
  it('names a bad value', () => {
    expect(() => loadHubConfig({}, { PRONTO_HUB_POOL_SIZE: '0' })).toThrow('PRONTO_HUB_POOL_SIZE: must be a whole number from 1 to 1000 (got "0")');
    expect(() => loadHubConfig({ port: '70000' }, {})).toThrow('--port: must be a whole number from 0 to 65535 (got "70000")');
  });
  it("is documented in the README's table, key by key", () => {
    expect(readFileSync(join(__dirname, '..', 'README.md'), 'utf8')).toContain(configTable(HUB_CONFIG));
  });
});
