// The hub's configuration: every setting with its variable, flag, default and meaning, read once
// by `loadHubConfig` when `pronto-hub` starts and handed down as options. The only place in
// src-hub that reads PRONTO_* variables (a lint rule and a test hold that); the README's hub
// configuration table is checked against it by config.test.ts.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { defineConfig, loadConfig, onOff, text, wholeNumber, type ConfigOf } from '../src-shared/config/define';

export const DEFAULT_PORT = 8780;

export const HUB_CONFIG = defineConfig({
  databaseUrl: {
    env: 'DATABASE_URL', flag: 'database-url', schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    description: 'PostgreSQL to use; without it the hub embeds PGlite in the data dir.',
  },
  dataDir: {
    env: 'PRONTO_HUB_DATA_DIR', flag: 'data-dir', default: '.data/hub', schema: text,
    description: 'Folder of the embedded PGlite database (when no PostgreSQL URL is given).',
  },
  snapshotDir: {
    env: 'PRONTO_HUB_SNAPSHOT_DIR', flag: 'snapshot-dir', schema: text,
    defaultText: '`DIR/snapshots` with a data dir, `.data/hub-snapshots` with PostgreSQL',
    description: 'Where initial-sync snapshots are built and served from.',
  },
  snapshots: {
    env: 'PRONTO_HUB_SNAPSHOTS', default: '1', schema: onOff,
    description: '`0`: serve keeps no snapshots fresh (built only by `snapshot build` or the admin route).',
  },
  poolSize: {
    env: 'PRONTO_HUB_POOL_SIZE', schema: wholeNumber(1, 1000), defaultText: '2 × CPU cores + 1',
    description: 'PostgreSQL connection pool size.',
  },
  trace: {
    env: 'PRONTO_HUB_TRACE', default: '0', schema: onOff,
    description: '`1`: feed imports print each statement slower than 20 ms (stderr).',
  },
  port: { env: 'PRONTO_HUB_PORT', flag: 'port', default: String(DEFAULT_PORT), schema: wholeNumber(0, 65_535), description: 'serve: TCP port.' },
  host: { env: 'PRONTO_HUB_HOST', flag: 'host', default: '127.0.0.1', schema: text, description: 'serve: address to listen on.' },
});

export type HubConfig = ConfigOf<typeof HUB_CONFIG>;

export function loadHubConfig(flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = process.env): HubConfig {
  return loadConfig(HUB_CONFIG, { env, flags });
}

/**
 * Few connections serve more: PostgreSQL runs one process per connection, and more busy backends
 * than cores only queue on CPU and locks. Measured with bench:hub (2000 agents, 2 cores): pool 5
 * p99 58–88 ms, pool 10 120–190 ms, pool 30 ~490 ms. Default from the PostgreSQL wiki's rule of
 * thumb (2 × cores + 1, cores of this machine: the hub and the database usually share it here);
 * set PRONTO_HUB_POOL_SIZE when PostgreSQL runs on a bigger machine of its own.
 */
export function defaultPoolSize(): number {
  return 2 * availableParallelism() + 1;
}
