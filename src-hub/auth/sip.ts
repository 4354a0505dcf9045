// The softphone settings the hub hands out at login (issue 20): the PBX's address and a
// time-limited SIP credential the PBX checks without any stored password — Kamailio's
// auth_ephemeral ("autheph") scheme, checked by deploy/kamailio/autheph.cfg:
//   user name  `<expiry, unix seconds>:<extension>`
//   password   base64(HMAC-SHA1(shared secret, user name))
// The hub and the PBX share only the secret (a file on each side, never a command line). A
// credential cannot be revoked before it expires (short lifetimes: a shift by default); rotating
// the secret ends them all.
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { SipProvisioning } from '../../src-shared/sync/protocol';
import { ConfigError } from '../../src-shared/config/define';

export interface SipOptions {
  /** wss://… given to the agents (ws:// only on a loopback PBX). */
  server: string;
  domain: string;
  realm: string;
  /** The autheph shared secret (the content of PRONTO_HUB_AUTHEPH_SECRET_FILE). */
  secret: string;
  /** Lifetime of a credential, hours. */
  credentialHours: number;
}

/** The autheph credential of `extension`, valid until `expiresAtS` (unix seconds). */
export function ephemeralCredential(secret: string, extension: string, expiresAtS: number): { authUser: string; password: string } {
  const authUser = `${expiresAtS}:${extension}`;
  return { authUser, password: createHmac('sha1', secret).update(authUser).digest('base64') };
}

/** A fresh SipProvisioning for `extension` (null: no PBX managed, or no extension). */
export function sipProvisioning(sip: SipOptions | undefined, extension: string | null, nowMs: number): SipProvisioning | null {
  if (!sip || !extension) return null;
  const expiresAtS = Math.floor(nowMs / 1000) + Math.round(sip.credentialHours * 3600);
  const { authUser, password } = ephemeralCredential(sip.secret, extension, expiresAtS);
  return { extension, server: sip.server, domain: sip.domain, realm: sip.realm, authUser, password, expiresAt: new Date(expiresAtS * 1000).toISOString() };
}

/**
 * The secret as both sides read it: the file's text without trailing whitespace. Kamailio gets it
 * inside a quoted config string, so it must be printable ASCII without quotes or backslashes;
 * `openssl rand -base64 32` makes a good one.
 */
export function readAuthephSecret(path: string, warn?: (line: string) => void): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`PRONTO_HUB_AUTHEPH_SECRET_FILE: cannot read ${path}: ${(e as Error).message}`);
  }
  const secret = text.replace(/\s+$/, '');
  if (!/^[!#-[\]-~]{16,512}$/.test(secret)) {
    throw new ConfigError(`PRONTO_HUB_AUTHEPH_SECRET_FILE: ${path} must hold 16-512 printable ASCII characters without spaces, quotes or backslashes (e.g. openssl rand -base64 32)`);
  }
  if ((statSync(path).mode & 0o077) !== 0) warn?.(`warning: ${path} (the SIP credential secret) is readable by other users: chmod 600 it`);
  return secret;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The hub's SIP settings from its configuration; undefined when it manages no PBX. */
export function sipOptionsOf(c: { sipServer?: string; sipDomain?: string; sipRealm?: string; authephSecretFile?: string; sipCredentialHours: number }, warn?: (line: string) => void): SipOptions | undefined {
  if (!c.sipServer) return undefined;
  let url: URL;
  try {
    url = new URL(c.sipServer);
  } catch {
    throw new ConfigError(`PRONTO_HUB_SIP_SERVER: ${c.sipServer} is not a URL`);
  }
  if (url.protocol === 'ws:' && !LOOPBACK.test(url.hostname)) {
    throw new ConfigError(`PRONTO_HUB_SIP_SERVER: ${c.sipServer}: agents need wss:// (ws:// only for a PBX on this machine)`);
  }
  if (!c.authephSecretFile) throw new ConfigError('PRONTO_HUB_SIP_SERVER needs PRONTO_HUB_AUTHEPH_SECRET_FILE (the secret the PBX checks SIP credentials with)');
  const domain = c.sipDomain ?? url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { server: c.sipServer, domain, realm: c.sipRealm ?? domain, secret: readAuthephSecret(c.authephSecretFile, warn), credentialHours: c.sipCredentialHours };
}
