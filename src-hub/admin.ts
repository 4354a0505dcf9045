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
  const existing = await store.orm.select({ id: users.id }).from(users).where(eq(users.name, u.name));
  if (existing.length) throw new AdminError(`user "${u.name}" already exists`, 409);
  const generated = u.password ? null : generatePassword();
  const passwordHash = await hashPassword(u.password || generated!);
  try {
    await store.orm.insert(users).values({ name: u.name, role: role.data, team, passwordHash, extension });
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

export async function listUsers(store: Store): Promise<{ name: string; role: string; team: string | null; extension: string | null }[]> {
  return store.orm.select({ name: users.name, role: users.role, team: users.team, extension: users.extension }).from(users).orderBy(asc(users.name));
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

/** A new bearer token for an existing user (for scripts and tests). */
export async function issueToken(store: Store, userName: string, label = 'cli'): Promise<string> {
  const u = await store.orm.select({ id: users.id }).from(users).where(eq(users.name, userName));
  if (!u.length) throw new AdminError(`user "${userName}" does not exist`, 404);
  const token = generateToken();
  await store.orm.insert(tokens).values({ tokenHash: hashToken(token), userId: u[0]!.id, label });
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

export async function login(store: Store, name: string, password: string): Promise<{ token: string; role: Role; team: string | null } | null> {
  const rows = await store.query<{ password_hash: string; role: Role; team: string | null }>(
    'SELECT password_hash, role, team FROM users WHERE name = $1', [name]);
  const u = rows[0];
  const ok = await verifyPassword(password, u?.password_hash ?? null);
  if (!ok || !u) return null;
  const token = await issueToken(store, name, 'login');
  return { token, role: u.role, team: u.team };
}

export async function revokeToken(store: Store, token: string): Promise<void> {
  await store.query('DELETE FROM tokens WHERE token_hash = $1', [hashToken(token)]);
}

/** The user behind a bearer token, with the regions of their team; null when unknown. */
export async function authenticate(store: Store, token: string): Promise<AuthUser | null> {
  if (!token.startsWith('pht_') || token.length > 100) return null;
  const rows = await store.query<{ id: number; name: string; role: Role; team: string | null; regions: string[] | null; scope: string | null }>(
    `SELECT u.id, u.name, u.role, u.team, t.regions, k.scope
     FROM tokens k JOIN users u ON u.id = k.user_id LEFT JOIN teams t ON t.name = u.team
     WHERE k.token_hash = $1`,
    [hashToken(token)],
    { prepare: true },
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, role: r.role, team: r.team, regions: r.regions ?? [], ...(r.scope === 'display' ? { display: true } : {}) } : null;
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
