// SIP digest credentials that stay on the host. The host never hands the SIP password to a page
// (softphoneConfig comes back with an empty password); it answers softphoneCredential({realm})
// with HA1 = MD5(user:realm:password), which signs challenges of that realm only and does not
// reveal the password (often reused elsewhere). The realm is the PBX's (Kamailio: REALM), not
// always the address's domain, so it is learnt from the first challenge: sip.js computes digests
// synchronously, so a challenge for a realm we hold no HA1 for is declined (the REGISTER comes
// back rejected), the HA1 is fetched, and registration.ts tries once more at once.
import { Core, type UserAgent } from 'sip.js';

/** Fetches HA1 for a realm from the host; null: the host holds no password. */
export type Ha1Source = (realm: string) => Promise<string | null>;

type Challenge = { realm?: unknown };
type DigestLike = { authenticate(request: unknown, challenge: Challenge, body?: string): boolean; toString(): string };

export class HostCredentials {
  private readonly ha1 = new Map<string, string>();
  private readonly asked = new Set<string>();

  constructor(private readonly source: Ha1Source) {}

  /** Makes `ua` answer challenges with HA1s from the host instead of a password it has not got. */
  install(ua: UserAgent, user: string): void {
    const loggers = ua.getLoggerFactory();
    const store = this.ha1;
    const factory = (): DigestLike => {
      let inner: Core.DigestAuthentication | null = null;
      let innerRealm = '';
      return {
        authenticate(request, challenge, body) {
          const realm = typeof challenge.realm === 'string' ? challenge.realm : '';
          const h = store.get(realm);
          if (!h) return false; // declined: the rejection reaches registration.ts, which learns it
          if (!inner || innerRealm !== realm) [inner, innerRealm] = [new Core.DigestAuthentication(loggers, h, user, undefined), realm];
          return inner.authenticate(request as Core.OutgoingRequestMessage, challenge as never, body);
        },
        toString: () => inner?.toString() ?? '',
      };
    };
    ua.userAgentCore.configuration.authenticationFactory = factory as unknown as () => Core.DigestAuthentication;
  }

  /**
   * A 401/407 came back: true when it named a realm we had no HA1 for and the host has just given
   * one (try again now). Asks the host once per realm, so a wrong password still fails as one.
   */
  async learn(response: Core.IncomingResponseMessage): Promise<boolean> {
    const name = response.statusCode === 407 ? 'proxy-authenticate' : 'www-authenticate';
    const challenge = response.parseHeader(name) as Challenge | undefined;
    const realm = typeof challenge?.realm === 'string' ? challenge.realm : '';
    if (!realm || this.ha1.has(realm) || this.asked.has(realm)) return false;
    this.asked.add(realm);
    let h: string | null;
    try {
      h = await this.source(realm);
    } catch (err) {
      this.asked.delete(realm); // the host was unreachable: ask again next time
      throw err;
    }
    if (!h) return false;
    this.ha1.set(realm, h);
    return true;
  }
}
