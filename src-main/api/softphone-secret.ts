// The SIP password stays on the host. The softphone (sip.js in the page) needs a digest for each
// challenge; it gets HA1 = MD5(user:realm:password) for the realm the PBX named, which answers
// that realm's challenges only and does not give the password away (agents reuse passwords).
// Settings read back by a page carry an empty password; saving them with the password left
// empty keeps the one held (same user on the same server).
import { createHash } from 'node:crypto';
import type { SoftphoneConfig } from '../../src-shared/api/contract';

export function withoutPassword(c: SoftphoneConfig | null): SoftphoneConfig | null {
  return c ? { ...c, password: '' } : null;
}

export function keepHeldPassword(given: SoftphoneConfig, held: SoftphoneConfig | null): SoftphoneConfig {
  if (given.password || !held?.password || held.user !== given.user || held.server !== given.server) return given;
  return { ...given, password: held.password };
}

/** RFC 2617 HA1 for MD5 digests (what sip.js's authorizationHa1 takes). */
export function digestHa1(user: string, realm: string, password: string): string {
  return createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
}

/**
 * One realm per held password: the first realm a page asks HA1 for is pinned for as long as the
 * same credential (server, user, password) is held, and any other realm is refused. Without it,
 * a page (or a PBX it is pointed at) could collect HA1 for realms of its choosing, each an offline
 * guess at a password agents often reuse; one PBX uses one realm.
 */
export class RealmPin {
  private pinned: { key: string; realm: string } | null = null;

  allows(c: SoftphoneConfig, realm: string): boolean {
    const key = createHash('sha256').update(`${c.server}\n${c.user}\n${c.password}`).digest('hex');
    if (this.pinned?.key !== key) this.pinned = { key, realm };
    return this.pinned.realm === realm;
  }
}
