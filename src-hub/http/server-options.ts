// How `pronto-hub serve` talks to the network, from its configuration: TLS (certificate and key
// files; without them plain HTTP, for loopback or behind a TLS-terminating reverse proxy), which
// proxies' X-Forwarded-* headers to believe, and the largest feed upload.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { FastifyServerFactory } from 'fastify';
import { ConfigError } from '../../src-shared/config/define';
import type { HubConfig } from '../config';

export interface HubTls {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface HubHttpOptions {
  tls?: HubTls;
  /** Fastify's trustProxy: the proxies' addresses/CIDRs; false: X-Forwarded-* ignored. */
  trustProxy: string[] | false;
  maxFeedBytes: number;
}

/** The serve options from the config; throws a ConfigError naming the variable for a bad file. */
export function hubHttpOptions(config: Pick<HubConfig, 'tlsCert' | 'tlsKey' | 'trustProxy' | 'maxFeedMb'>): HubHttpOptions {
  const base = { trustProxy: config.trustProxy ?? false, maxFeedBytes: config.maxFeedMb * 2 ** 20 } as const;
  if (!config.tlsCert && !config.tlsKey) return base;
  if (!config.tlsCert || !config.tlsKey) {
    throw new ConfigError(`${config.tlsCert ? 'PRONTO_HUB_TLS_KEY' : 'PRONTO_HUB_TLS_CERT'}: TLS needs both a certificate and its key`);
  }
  const read = (file: string, name: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError(`${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  return { ...base, tls: { cert: read(config.tlsCert, 'PRONTO_HUB_TLS_CERT'), key: read(config.tlsKey, 'PRONTO_HUB_TLS_KEY') } };
}

/**
 * Fastify's server: HTTPS when TLS is configured (the live WebSocket then is wss:, upgraded on the
 * same server), else plain HTTP. Fastify types its instance by the server kind; the hub's routes
 * use only what both share, so the HTTPS server is handed over as an HTTP one.
 */
export function hubServerFactory(tls: HubTls | undefined): FastifyServerFactory {
  return (handler) => (tls ? (createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler) as unknown as Server) : createHttpServer(handler));
}

/** The URL the hub prints: https when it speaks TLS. */
export function hubUrl(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
