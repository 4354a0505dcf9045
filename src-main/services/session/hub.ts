// The session's calls to the hub: log in, log out, a fresh SIP credential, who am I. Every
// answer is checked with zod; every refusal becomes a reason the sign-in screen can say in words.
import { z } from 'zod';
import { LoginResponse, SipProvisioning } from '../../../src-shared/sync/protocol';
import type { SignInFailure } from '../../../src-shared/desktop/session';

export type LoginAnswer = z.infer<typeof LoginResponse>;

/** A refusal or failure of the hub, with the reason the renderer words. */
export class SessionHubError extends Error {
  constructor(readonly reason: SignInFailure | 'session_expired', message: string, readonly status: number | null = null) {
    super(message);
  }
}

const ErrorBody = z.object({ error: z.string().optional(), code: z.string().optional(), message: z.string().optional() }).passthrough();

const TIMEOUT_MS = 10_000;

function base(hubUrl: string): string {
  return hubUrl.replace(/\/+$/, '');
}

async function call(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await doFetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new SessionHubError('unreachable', `the hub at ${url.replace(/\/v1\/.*$/, '')} cannot be reached (${cause ? String(cause) : (err as Error).message})`);
  }
}

/** The hub's refusal as a reason: 401 token_expired/unauthorized on an authenticated call → session_expired. */
async function refusal(res: Response, authenticated: boolean): Promise<SessionHubError> {
  const body = ErrorBody.safeParse(await res.json().catch(() => null));
  const code = body.success ? body.data.error ?? body.data.code ?? '' : '';
  const message = (body.success ? body.data.message : undefined) ?? `hub answered ${res.status}`;
  if (res.status === 403 && code === 'user_disabled') return new SessionHubError('user_disabled', message, 403);
  if (res.status === 401) return new SessionHubError(authenticated ? 'session_expired' : 'wrong_password', message, 401);
  if (res.status === 429) return new SessionHubError('too_many_attempts', message, 429);
  if (res.status === 404 || res.status === 405) return new SessionHubError('bad_hub', `no Pronto hub answers at this address (${res.status})`, res.status);
  return new SessionHubError('hub_error', message, res.status);
}

async function json<T>(res: Response, schema: z.ZodType<T>, what: string): Promise<T> {
  const parsed = schema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new SessionHubError('bad_hub', `the hub's ${what} answer is not what a Pronto hub sends`);
  return parsed.data;
}

export async function hubLogin(doFetch: typeof fetch, hubUrl: string, name: string, password: string): Promise<LoginAnswer> {
  const res = await call(doFetch, `${base(hubUrl)}/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ name, password }),
  });
  if (!res.ok) throw await refusal(res, false);
  return json(res, LoginResponse, 'login');
}

/** Revokes the token at the hub; false when it could not be reached (the token is forgotten anyway). */
export async function hubLogout(doFetch: typeof fetch, hubUrl: string, token: string): Promise<boolean> {
  try {
    const res = await call(doFetch, `${base(hubUrl)}/v1/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    // 401: already expired or revoked — revoked either way
    return res.ok || res.status === 401;
  } catch {
    return false;
  }
}

/** GET /v1/me/sip: a fresh credential (the bare provisioning, or {sip}); null: no extension / no PBX. */
export async function hubSip(doFetch: typeof fetch, hubUrl: string, token: string): Promise<SipProvisioning | null> {
  const res = await call(doFetch, `${base(hubUrl)}/v1/me/sip`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (res.status === 404) {
    const body = ErrorBody.safeParse(await res.clone().json().catch(() => null));
    // a hub without the route answers Fastify's plain 404; the route's own 404 says "no extension"
    if (!body.success || body.data.error === 'Not Found' || /route .* not found/i.test(body.data.message ?? '')) throw new SessionHubError('hub_error', 'this hub hands out no SIP credentials (GET /v1/me/sip)', 404);
    return null;
  }
  if (!res.ok) throw await refusal(res, true);
  return json(res, z.union([SipProvisioning, z.object({ sip: SipProvisioning.nullable() }).transform((b) => b.sip)]), 'SIP credential');
}

const Me = z.object({
  name: z.string(), role: z.string(), team: z.string().nullable().optional(),
  regions: z.array(z.string()).optional(), all: z.boolean().optional(),
  /** The fingerprint of what the account may see (the pull's checkpoint carries the same). */
  scope: z.string().optional(),
  displayName: z.string().optional(), customersVisible: z.boolean().optional(), notice: z.string().nullable().optional(),
}).passthrough();
export type HubMe = z.infer<typeof Me>;

export async function hubMe(doFetch: typeof fetch, hubUrl: string, token: string): Promise<HubMe> {
  const res = await call(doFetch, `${base(hubUrl)}/v1/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (!res.ok) throw await refusal(res, true);
  return json(res, Me, 'who-am-I');
}

/** Whether an account sees customers, from /v1/me when the login did not say (an older hub). */
export function visibilityOf(me: HubMe): { customersVisible: boolean | null; notice: string | null } {
  if (me.customersVisible !== undefined) return { customersVisible: me.customersVisible, notice: me.notice ?? null };
  if (me.all) return { customersVisible: true, notice: null };
  if (!me.regions) return { customersVisible: null, notice: null };
  if (me.regions.length) return { customersVisible: true, notice: null };
  return { customersVisible: false, notice: me.team ? `team ${me.team} has no regions` : 'no team' };
}
