// Sign-in routes (issue 20): the login answer with everything the desktop needs (role, team,
// display name, SIP provisioning, whether the account sees customers), and a fresh SIP
// credential for a signed-in agent.
//
//   POST /v1/auth/login   public   LoginRequest → LoginResponse (src-shared/sync/protocol.ts)
//        401 invalid_credentials · 403 user_disabled · 429 account_locked (per account, with
//        retry-after) or too_many_requests (per address)
//   GET  /v1/me/sip       agent    → SipProvisioning; 404 no_sip (no PBX managed, or no extension)
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LoginResponse } from '../../src-shared/sync/protocol';
import type { Store } from '../db/store';
import { login } from '../admin';
import { countAttempt, loginSucceeded, DEFAULT_BACKOFF, type BackoffOptions } from '../auth/login-backoff';
import { sipProvisioning, type SipOptions } from '../auth/sip';
import { scopeOf, type AuthUser } from '../scope';

export interface AuthOptions {
  /** The PBX the hub provisions softphones for (PRONTO_HUB_SIP_*); none: `sip: null`. */
  sip?: SipOptions;
  /** Login token lifetime, hours (PRONTO_HUB_TOKEN_HOURS; default 10: a shift). */
  tokenHours?: number;
  /** Per-account login backoff (default 5 free failures, then 30 s doubling up to 15 min). */
  accountBackoff?: BackoffOptions;
}

type Fail = (reply: FastifyReply, status: number, error: string, message: string) => FastifyReply;

/** Whether the user sees any customer, and why not in words. */
export function visibility(user: Pick<AuthUser, 'role' | 'team' | 'regions'>): { customersVisible: boolean; notice: string | null } {
  if (scopeOf({ id: 0, name: '', ...user }, '').all) return { customersVisible: true, notice: null };
  if (!user.team) return { customersVisible: false, notice: 'Your account sees no customers: it has no team' };
  if (!user.regions.length) return { customersVisible: false, notice: `Your account sees no customers: team ${user.team} has no regions` };
  return { customersVisible: true, notice: null };
}

export async function answerLogin(store: Store, o: AuthOptions, now: number, body: { name: string; password: string }, reply: FastifyReply, fail: Fail): Promise<LoginResponse | FastifyReply> {
  const wait = await countAttempt(store, body.name, now, o.accountBackoff ?? DEFAULT_BACKOFF);
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return fail(reply, 429, 'account_locked', `too many failed logins for this account; retry in ${wait} s`);
  }
  const r = await login(store, body.name, body.password, { hours: o.tokenHours ?? 10, now });
  if (r === 'wrong') return fail(reply, 401, 'invalid_credentials', 'wrong name or password');
  await loginSucceeded(store, body.name);
  if (r === 'disabled') return fail(reply, 403, 'user_disabled', 'this account is disabled; ask an administrator');
  return {
    token: r.token,
    role: r.role,
    team: r.team,
    displayName: r.displayName,
    expiresAt: r.expiresAt,
    sip: sipProvisioning(o.sip, r.extension, now),
    ...visibility({ role: r.role, team: r.team, regions: r.regions }),
  };
}

export function authRoutes(app: FastifyInstance, o: AuthOptions, now: () => number, fail: Fail): void {
  app.get('/v1/me/sip', { config: { auth: 'agent' } }, async (req, reply) => {
    const sip = sipProvisioning(o.sip, req.hubSession?.extension ?? null, now());
    if (!sip) return fail(reply, 404, 'no_sip', o.sip ? 'your account has no SIP extension (pronto-hub user set NAME --extension X)' : 'this hub manages no PBX (PRONTO_HUB_SIP_SERVER)');
    reply.header('cache-control', 'no-store');
    return sip;
  });
}
