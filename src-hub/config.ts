// The hub's configuration: every setting with its variable, flag, default and meaning, read once
// by `loadHubConfig` when `pronto-hub` starts and handed down as options. The only place in
// src-hub that reads PRONTO_* variables (a lint rule and a test hold that); the README's hub
// configuration table is checked against it by config.test.ts.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { checkTimeZone } from './stats/day';
import { defineConfig, loadConfig, onOff, text, wholeNumber, type ConfigOf } from '../src-shared/config/define';

export const DEFAULT_PORT = 8780;

/** "host:port" → {host, port}. */
const hostPort = z.string().transform((v, ctx) => {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65_535) {
    ctx.addIssue({ code: 'custom', message: 'must be host:port, e.g. 127.0.0.1:8448' });
    return z.NEVER;
  }
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
});

/** "127.0.0.1, 10.0.0.0/8" → ['127.0.0.1', '10.0.0.0/8']: addresses only (never "trust everyone"). */
const proxyList = z.string().transform((v, ctx) => {
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (!list.length || list.some((x) => !isIP(x.replace(/\/\d{1,3}$/, '')))) {
    ctx.addIssue({ code: 'custom', message: 'must be IP addresses or CIDRs, comma-separated (e.g. 127.0.0.1)' });
    return z.NEVER;
  }
  return list;
});

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
  timeZone: {
    env: 'PRONTO_HUB_TIME_ZONE', schema: z.string().refine(checkTimeZone, 'must be an IANA time zone, e.g. Europe/Rome'),
    defaultText: "the system's", description: 'Where "today" of the live statistics begins (local midnight).',
  },
  pbxEvapi: {
    env: 'PRONTO_HUB_PBX_EVAPI', flag: 'pbx-evapi', schema: hostPort,
    description: 'serve: the PBX event link (Kamailio evapi, `host:port`, e.g. `127.0.0.1:8448`); none: no PBX link.',
  },
  maxFeedMb: {
    env: 'PRONTO_HUB_MAX_FEED_MB', default: '1024', schema: wholeNumber(1, 65_536),
    description: 'serve: largest feed body `POST /v1/feeds/:source` accepts (MB); a larger one gets 413.',
  },
  tlsCert: {
    env: 'PRONTO_HUB_TLS_CERT', flag: 'tls-cert', schema: text,
    description: 'serve: PEM certificate (chain) file; with `--tls-key` the hub speaks HTTPS and WSS only.',
  },
  tlsKey: { env: 'PRONTO_HUB_TLS_KEY', flag: 'tls-key', schema: text, description: "serve: PEM private key file of the hub's certificate." },
  trustProxy: {
    env: 'PRONTO_HUB_TRUST_PROXY', flag: 'trust-proxy', schema: proxyList,
    description: 'serve: reverse proxies (addresses or CIDRs, comma-separated) whose `X-Forwarded-For`/`-Proto` are believed; none: ignored.',
  },
  tokenHours: {
    env: 'PRONTO_HUB_TOKEN_HOURS', default: '10', schema: wholeNumber(1, 8784),
    description: 'serve: lifetime of a login token (hours, a shift); renewed while in use, then 401 `token_expired`.',
  },
  sipServer: {
    env: 'PRONTO_HUB_SIP_SERVER', flag: 'sip-server', schema: z.string().regex(/^wss?:\/\/[^\s/]+/, 'must be a wss:// URL (ws:// only for a PBX on this machine)'),
    description: 'serve: the PBX (SIP over WebSocket) the agents\' softphones register with, given out at login; none: no SIP settings given out.',
  },
  sipDomain: {
    env: 'PRONTO_HUB_SIP_DOMAIN', schema: text, defaultText: 'the host of the SIP server',
    description: 'serve: SIP domain of the agents\' addresses (`sip:EXTENSION@DOMAIN`).',
  },
  sipRealm: {
    env: 'PRONTO_HUB_SIP_REALM', schema: text, defaultText: 'the SIP domain',
    description: 'serve: digest realm of the PBX.',
  },
  authephSecretFile: {
    env: 'PRONTO_HUB_AUTHEPH_SECRET_FILE', flag: 'autheph-secret-file', schema: text,
    description: 'serve: file holding the secret shared with the PBX (Kamailio auth_ephemeral) that signs the SIP credentials; needed with a SIP server.',
  },
  sipCredentialHours: {
    env: 'PRONTO_HUB_SIP_CREDENTIAL_HOURS', default: '10', schema: wholeNumber(1, 168),
    description: 'serve: how long a SIP credential is valid (hours); the desktop renews it with `GET /v1/me/sip`.',
  },
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
