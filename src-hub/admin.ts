// Users, teams and tokens: shared by the CLI and the admin HTTP routes.
import { asc, eq } from 'drizzle-orm';
import { Role } from '../src-shared/sync/protocol';
import type { Store } from './db/store';
import { teams, tokens, users } from './db/schema';
import { generatePassword, generateToken, hashPassword, hashToken, verifyPassword } from './auth/password';
import { notifyChanges } from './changes';
import type { AuthUser } from './scope';

export class AdminError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

const USER_NAME = /^[A-Za-z0-9_.@-]{1,100}$/;
const TEAM_NAME = /^[\p{L}\p{N}_. -]{1,64}$/u;

export function checkUserName(name: string): void {
  if (!USER_NAME.test(name)) throw new AdminError(`user name "${name}" must be 1-100 letters, digits or _ . @ -`);
}

export function checkTeamName(name: string): void {
  if (!TEAM_NAME.test(name) || name.trim() !== name) throw new AdminError(`team name "${name}" must be 1-64 letters, digits, spaces or _ . -`);
}

export function parseRegions(list: string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const r = raw.trim();
    if (!r) continue;
    // eslint-disable-next-line no-control-regex -- control characters are what this rejects
    if (r.length > 64 || /[\u0000-\u001f]/.test(r)) throw new AdminError(`region "${r}" must be at most 64 printable characters`);
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

export interface NewUser {
  name: string;
  role: string;
  team?: string | null;
  password?: string | null;
  /** SIP extension at the PBX (digits, unique). */
  extension?: string | null;
  /** Shown in the app; default: the user name. */
  displayName?: string | null;
}

function checkDisplayName(d: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (!d.trim() || d.length > 100 || /[\u0000-\u001f]/.test(d)) throw new AdminError(`display name "${d}" must be 1-100 printable characters`);
}

const EXTENSION = /^[0-9]{2,15}$/;

function checkExtension(ext: string): void {
  if (!EXTENSION.test(ext)) throw new AdminError(`extension "${ext}" must be 2 to 15 digits`);
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  return code === '23505';
}

/** Changes a user's extension (`pronto-hub user set NAME --extension 1001`; `--extension ""` removes it). */
export async function setUserExtension(store: Store, name: string, extension: string | null): Promise<{ name: string; extension: string | null }> {
  if (extension !== null) checkExtension(extension);
  try {
    const r = await store.orm.update(users).set({ extension }).where(eq(users.name, name)).returning({ name: users.name });
    if (!r.length) throw new AdminError(`user "${name}" does not exist`, 404);
  } catch (e) {
    if (isUniqueViolation(e)) throw new AdminError(`extension ${extension} already belongs to another user`, 409);
    throw e;
  }
  await store.query("SELECT pg_notify('pronto_pbx_config', $1)", [name]);
  return { name, extension };
}

/** `pronto-hub user set NAME --display-name D` (`""` : back to the user name). */
export async function setUserDisplayName(store: Store, name: string, displayName: string | null): Promise<{ name: string; displayName: string | null }> {
  if (displayName !== null) checkDisplayName(displayName);
  const r = await store.orm.update(users).set({ displayName }).where(eq(users.name, name)).returning({ name: users.name });
  if (!r.length) throw new AdminError(`user "${name}" does not exist`, 404);
  return { name, displayName };
}

/** Creates a user; returns the password when it was generated. */
export async function addUser(store: Store, u: NewUser): Promise<{ name: string; role: Role; team: string | null; extension: string | null; generatedPassword: string | null }> {
  checkUserName(u.name);
  const role = Role.safeParse(u.role);
  if (!role.success) throw new AdminError(`role "${u.role}" must be agent, supervisor or admin`);
  const team = u.team ?? null;
  if (team !== null) {
    const t = await store.orm.select({ name: teams.name }).from(teams).where(eq(teams.name, team));
    if (!t.length) throw new AdminError(`team "${team}" does not exist (create it with: pronto-hub team set --name "${team}" --regions R1,R2)`, 404);
  }
  if (u.password !== undefined && u.password !== null && u.password.length < 8) throw new AdminError('password must be at least 8 characters');
  const extension = u.extension ?? null;
  if (extension !== null) checkExtension(extension);
  const displayName = u.displayName ?? null;
  if (displayName !== null) checkDisplayName(displayName);
  const existing = await store.orm.select({ id: users.id }).from(users).where(eq(users.name, u.name));
  if (existing.length) throw new AdminError(`user "${u.name}" already exists`, 409);
  const generated = u.password ? null : generatePassword();
  const passwordHash = await hashPassword(u.password || generated!);
  try {
    await store.orm.insert(users).values({ name: u.name, role: role.data, team, passwordHash, extension, displayName });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const taken = extension !== null && (await store.orm.select({ id: users.id }).from(users).where(eq(users.extension, extension))).length > 0;
      throw new AdminError(taken ? `extension ${extension} already belongs to another user` : `user "${u.name}" already exists`, 409);
    }
    throw e;
  }
  // the PBX (extensions) and the live statistics (the agents list) re-read the users
  await store.query("SELECT pg_notify('pronto_pbx_config', $1)", [u.name]);
  return { name: u.name, role: role.data, team, extension, generatedPassword: generated };
}

export async function listUsers(store: Store): Promise<{ name: string; role: string; team: string | null; extension: string | null; displayName: string; disabled: boolean }[]> {
  const rows = await store.orm
    .select({ name: users.name, role: users.role, team: users.team, extension: users.extension, displayName: users.displayName, disabledAt: users.disabledAt })
    .from(users).orderBy(asc(users.name));
  return rows.map(({ displayName, disabledAt, ...u }) => ({ ...u, displayName: displayName ?? u.name, disabled: disabledAt !== null }));
}

/** Creates or replaces a team's regions. Desktops of its members resync (their scope changed). */
export async function setTeam(store: Store, name: string, regionList: string[]): Promise<{ name: string; regions: string[] }> {
  checkTeamName(name);
  const regions = parseRegions(regionList);
  await store.tx(async (q) => {
    await q.query(
      `INSERT INTO teams (name, regions, updated_at) VALUES ($1, $2::text[], now())
       ON CONFLICT (name) DO UPDATE SET regions = excluded.regions, updated_at = now()`,
      [name, regions],
    );
    await notifyChanges(q); // pokes everyone; pulls with the old scope fingerprint get a reset
  });
  return { name, regions };
}

export async function listTeams(store: Store): Promise<{ name: string; regions: string[] }[]> {
  return store.orm.select({ name: teams.name, regions: teams.regions }).from(teams).orderBy(asc(teams.name));
}

export interface TokenLifetime {
  /** Sliding lifetime in hours (renewed while in use); absent: the token never expires. */
  hours?: number;
  /** "Now" in ms (tests inject a clock). */
  now?: number;
}

/**
 * A new bearer token for an existing user. `pronto-hub token NAME` (scripts, integrations): no
 * expiry unless `--hours`; logins: PRONTO_HUB_TOKEN_HOURS. Revoke with `pronto-hub token revoke`.
 */
export async function issueToken(store: Store, userName: string, label = 'cli', life: TokenLifetime = {}): Promise<string> {
  const u = await store.orm.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.name, userName));
  if (!u.length) throw new AdminError(`user "${userName}" does not exist`, 404);
  if (u[0]!.disabledAt !== null) throw new AdminError(`user "${userName}" is disabled (pronto-hub user enable ${userName})`, 403);
  if (life.hours !== undefined && !(life.hours > 0 && life.hours <= 24 * 366)) throw new AdminError(`token lifetime must be more than 0 and at most ${24 * 366} hours`);
  const token = generateToken();
  const ttlSeconds = life.hours === undefined ? null : Math.round(life.hours * 3600);
  const expiresAt = ttlSeconds === null ? null : new Date((life.now ?? Date.now()) + ttlSeconds * 1000).toISOString();
  await store.orm.insert(tokens).values({ tokenHash: hashToken(token), userId: u[0]!.id, label, ttlSeconds, expiresAt });
  return token;
}

/**
 * A wallboard's token (`pronto-hub token --display NAME [--team T]`): read-only, accepted only by
 * the routes a wall display needs (live statistics). NAME is a user of its own (role supervisor,
 * no password anyone knows) so its team limits what the screen shows.
 */
export async function issueDisplayToken(store: Store, name: string, team: string | null): Promise<string> {
  checkUserName(name);
  const existing = await store.query<{ role: string; team: string | null }>('SELECT role, team FROM users WHERE name = $1', [name]);
  if (existing.length) {
    const e = existing[0]!;
    if (e.role !== 'supervisor' || e.team !== team) throw new AdminError(`user "${name}" exists and is not a display of ${team ? `team ${team}` : 'every team'}`, 409);
  } else {
    await addUser(store, { name, role: 'supervisor', team, password: generatePassword() });
  }
  const u = await store.orm.select({ id: users.id }).from(users).where(eq(users.name, name));
  const token = generateToken();
  await store.orm.insert(tokens).values({ tokenHash: hashToken(token), userId: u[0]!.id, label: 'display', scope: 'display' });
  return token;
}

export interface LoginUser {
  token: string;
  role: Role;
  team: string | null;
  regions: string[];
  displayName: string;
  extension: string | null;
  /** ISO instant the token expires unless used. */
  expiresAt: string;
}

/**
 * Name + password → a token living `hours` (sliding). 'wrong': unknown name or wrong password
 * (the same answer, the same time); 'disabled': right password of a disabled account (said only
 * to someone who knows the password).
 */
export async function login(store: Store, name: string, password: string, life: { hours: number; now?: number } = { hours: 10 }): Promise<LoginUser | 'wrong' | 'disabled'> {
  const rows = await store.query<{ id: number; password_hash: string; role: Role; team: string | null; regions: string[] | null; display_name: string | null; extension: string | null; disabled_at: unknown }>(
    `SELECT u.id, u.password_hash, u.role, u.team, t.regions, u.display_name, u.extension, u.disabled_at
     FROM users u LEFT JOIN teams t ON t.name = u.team WHERE u.name = $1`, [name]);
  const u = rows[0];
  const ok = await verifyPassword(password, u?.password_hash ?? null);
  if (!ok || !u) return 'wrong';
  if (u.disabled_at !== null) return 'disabled';
  const now = life.now ?? Date.now();
  // forget this user's tokens that expired long ago (the table would only grow)
  await store.query(`DELETE FROM tokens WHERE user_id = $1 AND expires_at < $2::timestamptz - interval '30 days'`, [u.id, new Date(now).toISOString()]);
  const token = await issueToken(store, name, 'login', { hours: life.hours, now });
  return {
    token, role: u.role, team: u.team, regions: u.regions ?? [], displayName: u.display_name ?? name, extension: u.extension,
    expiresAt: new Date(now + Math.round(life.hours * 3600) * 1000).toISOString(),
  };
}

export async function revokeToken(store: Store, token: string): Promise<void> {
  await store.query('DELETE FROM tokens WHERE token_hash = $1', [hashToken(token)]);
}

/** `pronto-hub token revoke --user NAME`: every token of the user (logins, CLI, display); returns how many. */
export async function revokeUserTokens(store: Store, name: string): Promise<number> {
  const u = await store.query<{ id: number }>('SELECT id FROM users WHERE name = $1', [name]);
  if (!u.length) throw new AdminError(`user "${name}" does not exist`, 404);
  const r = await store.query<{ token_hash: string }>('DELETE FROM tokens WHERE user_id = $1 RETURNING token_hash', [u[0]!.id]);
  return r.length;
}

/**
 * `pronto-hub user disable NAME`: no more logins (403 user_disabled) and every token of the user
 * stops working at once (deleted, and refused by authenticate even if one were issued meanwhile).
 * SIP credentials already handed out stay valid until they expire (at most
 * PRONTO_HUB_SIP_CREDENTIAL_HOURS): the PBX checks them without asking the hub.
 */
export async function setUserDisabled(store: Store, name: string, disabled: boolean): Promise<{ name: string; disabled: boolean; tokensRevoked: number }> {
  const r = await store.query<{ id: number }>(
    `UPDATE users SET disabled_at = CASE WHEN $2::boolean THEN coalesce(disabled_at, now()) END WHERE name = $1 RETURNING id`, [name, disabled]);
  if (!r.length) throw new AdminError(`user "${name}" does not exist`, 404);
  const revoked = disabled ? await revokeUserTokens(store, name) : 0;
  await store.query("SELECT pg_notify('pronto_pbx_config', $1)", [name]);
  return { name, disabled, tokensRevoked: revoked };
}

/** `pronto-hub user password NAME`: a new password; the user's tokens are revoked (sign in again) and their lockout cleared. */
export async function setUserPassword(store: Store, name: string, password: string): Promise<{ name: string; tokensRevoked: number }> {
  if (password.length < 8) throw new AdminError('password must be at least 8 characters');
  if (password.length > 1000) throw new AdminError('password must be at most 1000 characters');
  const hash = await hashPassword(password);
  const r = await store.query<{ id: number }>('UPDATE users SET password_hash = $2 WHERE name = $1 RETURNING id', [name, hash]);
  if (!r.length) throw new AdminError(`user "${name}" does not exist`, 404);
  const revoked = await revokeUserTokens(store, name);
  await store.query('DELETE FROM login_failures WHERE name = $1', [name]);
  return { name, tokensRevoked: revoked };
}

/** What a bearer token is worth now. */
export type TokenCheck =
  | { ok: true; user: AuthUser; displayName: string; extension: string | null; expiresAt: string | null }
  | { ok: false; error: 'unknown' | 'token_expired' | 'user_disabled' };

// One prepared statement per request: the token's user and team, and — at most once a minute per
// token, so pulls stay fast — the sliding renewal and last_used_at in the same round trip. The
// SELECT sees the row as it was before the UPDATE (so an expired token is reported expired).
// $1 token hash, $2 now.
const CHECK_TOKEN = `
  WITH touch AS (
    UPDATE tokens SET last_used_at = $2::timestamptz,
           expires_at = CASE WHEN ttl_seconds IS NULL THEN NULL ELSE $2::timestamptz + ttl_seconds * interval '1 second' END
    WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2::timestamptz)
      AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '60 seconds')
    RETURNING expires_at
  )
  SELECT u.id, u.name, u.role, u.team, t.regions, k.scope, u.display_name, u.extension, u.disabled_at,
         k.expires_at AS was_expiring, k.expires_at <= $2::timestamptz AS expired, (SELECT expires_at FROM touch) AS renewed
  FROM tokens k JOIN users u ON u.id = k.user_id LEFT JOIN teams t ON t.name = u.team
  WHERE k.token_hash = $1`;

export async function checkToken(store: Store, token: string, nowMs = Date.now()): Promise<TokenCheck> {
  if (!token.startsWith('pht_') || token.length > 100) return { ok: false, error: 'unknown' };
  const rows = await store.query<{
    id: number; name: string; role: Role; team: string | null; regions: string[] | null; scope: string | null; display_name: string | null;
    extension: string | null; disabled_at: unknown; was_expiring: string | Date | null; expired: boolean | null; renewed: string | Date | null;
  }>(CHECK_TOKEN, [hashToken(token), new Date(nowMs).toISOString()], { prepare: true });
  const r = rows[0];
  if (!r) return { ok: false, error: 'unknown' };
  if (r.expired) return { ok: false, error: 'token_expired' };
  if (r.disabled_at !== null) return { ok: false, error: 'user_disabled' };
  const exp = r.renewed ?? r.was_expiring;
  return {
    ok: true,
    user: { id: r.id, name: r.name, role: r.role, team: r.team, regions: r.regions ?? [], ...(r.scope === 'display' ? { display: true } : {}) },
    displayName: r.display_name ?? r.name,
    extension: r.extension,
    expiresAt: exp === null ? null : new Date(exp).toISOString(),
  };
}

/** The user behind a bearer token, with the regions of their team; null when unknown, expired or disabled. */
export async function authenticate(store: Store, token: string, nowMs = Date.now()): Promise<AuthUser | null> {
  const r = await checkToken(store, token, nowMs);
  return r.ok ? r.user : null;
}

const hubIds = new WeakMap<Store, Promise<string>>();

/** Random id of this hub database (made by the first migration run). */
export function hubId(store: Store): Promise<string> {
  let p = hubIds.get(store);
  if (!p) {
    p = store.query<{ value: string }>(`SELECT value FROM hub_meta WHERE key = 'hub_id'`).then((r) => r[0]?.value ?? 'unknown');
    hubIds.set(store, p);
  }
  return p;
}
