// The page registers without ever holding the SIP password: the first challenge names the realm,
// the host gives HA1 for it, and sip.js answers the next challenge with a digest made from that
// HA1, exactly the one the password would have made. A real sip.js UserAgent and Registerer over
// an in-memory transport play against a scripted PBX.
import { afterEach, describe, expect, it } from 'vitest';
import { Registerer, type Core, type UserAgent } from 'sip.js';
import { Md5 } from 'sip.js/lib/core/messages/md5.js';
import { HostCredentials } from './hostCredentials';
import { memoryAgent, replyTo } from '../../test-support/telephony/memory-transport';

// sip.js's own MD5 (the renderer's tests run without Node built-ins)
const md5 = (s: string): string => Md5.hashStr(s) as string;
const PASSWORD = 'only-the-host-knows';
const agents: UserAgent[] = [];
afterEach(async () => {
  for (const ua of agents.splice(0)) await ua.stop().catch(() => {});
});

const CHALLENGE = 'WWW-Authenticate: Digest realm="pronto.local", nonce="n0nce", qop="auth"';
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('HostCredentials', () => {
  it('learns the realm from the first 401, registers with HA1 from the host, never with a password', async () => {
    const { ua, transport } = await memoryAgent({ authorizationUsername: '1001', gracefulShutdown: false });
    agents.push(ua);
    const asked: string[] = [];
    const creds = new HostCredentials(async (realm) => {
      asked.push(realm);
      return md5(`1001:${realm}:${PASSWORD}`);
    });
    creds.install(ua, '1001');
    const rejected: Core.IncomingResponse[] = [];
    const register = (): void => void new Registerer(ua).register({ requestDelegate: { onReject: (r) => void rejected.push(r) } });

    register();
    await tick();
    transport.onMessage!(replyTo(transport.sent.at(-1)!, 401, 'Unauthorized', [CHALLENGE]));
    await tick();
    expect(rejected.map((r) => r.message.statusCode)).toEqual([401]); // no HA1 yet: declined, not guessed
    expect(await creds.learn(rejected[0]!.message)).toBe(true);
    expect(asked).toEqual(['pronto.local']);

    register(); // what registration.ts does after a learnt realm
    await tick();
    transport.onMessage!(replyTo(transport.sent.at(-1)!, 401, 'Unauthorized', [CHALLENGE]));
    await tick();
    const withAuth = transport.sent.at(-1)!;
    const auth = /^Authorization: (.*)$/m.exec(withAuth)?.[1] ?? '';
    const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
    expect(p).toMatchObject({ username: '1001', realm: 'pronto.local', nonce: 'n0nce', qop: 'auth' });
    // the digest the password itself would give: the PBX cannot tell the difference
    const expected = md5(`${md5(`1001:pronto.local:${PASSWORD}`)}:n0nce:${p.nc}:${p.cnonce}:auth:${md5(`REGISTER:${p.uri}`)}`);
    expect(p.response).toBe(expected);
    expect(transport.sent.join('\n')).not.toContain(PASSWORD);
    transport.onMessage!(replyTo(withAuth, 200, 'OK', ['Contact: <sip:1001@x.invalid;transport=ws>;expires=600']));
  });

  it('asks the host once per realm: a wrong password still ends as one authentication failure', async () => {
    const creds = new HostCredentials(async () => md5('x'));
    const { ua, transport } = await memoryAgent({ gracefulShutdown: false });
    agents.push(ua);
    creds.install(ua, '1001');
    const rejected: Core.IncomingResponse[] = [];
    void new Registerer(ua).register({ requestDelegate: { onReject: (r) => void rejected.push(r) } });
    await tick();
    transport.onMessage!(replyTo(transport.sent.at(-1)!, 401, 'Unauthorized', [CHALLENGE]));
    await tick();
    expect(await creds.learn(rejected[0]!.message)).toBe(true);
    expect(await creds.learn(rejected[0]!.message)).toBe(false);
  });

  it('no password on the host: nothing learnt (the registration fails as unauthenticated)', async () => {
    const creds = new HostCredentials(async () => null);
    const { ua, transport } = await memoryAgent({ gracefulShutdown: false });
    agents.push(ua);
    creds.install(ua, '1001');
    const rejected: Core.IncomingResponse[] = [];
    void new Registerer(ua).register({ requestDelegate: { onReject: (r) => void rejected.push(r) } });
    await tick();
    transport.onMessage!(replyTo(transport.sent.at(-1)!, 401, 'Unauthorized', [CHALLENGE]));
    await tick();
    expect(await creds.learn(rejected[0]!.message)).toBe(false);
  });
});
