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
}

/** Creates a user; returns the password when it was generated. */
export async function addUser(store: Store, u: NewUser): Promise<{ name: string; role: Role; team: string | null; generatedPassword: string | null }> {
  checkUserName(u.name);
  const role = Role.safeParse(u.role);
  if (!role.success) throw new AdminError(`role "${u.role}" must be agent, supervisor or admin`);
  const team = u.team ?? null;
  if (team !== null) {
    const t = await store.orm.select({ name: teams.name }).from(teams).where(eq(teams.name, team));
    if (!t.length) throw new AdminError(`team "${team}" does not exist (create it with: pronto-hub team set --name "${team}" --regions R1,R2)`, 404);
  }
  if (u.password !== undefined && u.password !== null && u.password.length < 8) throw new AdminError('password must be at least 8 characters');
  const existing = await store.orm.select({ id: users.id }).from(users).where(eq(users.name, u.name));
  if (existing.length) throw new AdminError(`user "${u.name}" already exists`, 409);
  const generated = u.password ? null : generatePassword();
  const passwordHash = await hashPassword(u.password || generated!);
  try {
    await store.orm.insert(users).values({ name: u.name, role: role.data, team, passwordHash });
  } catch (e) {
    const code = (e as { code?: string; cause?: { code?: string } }).code ?? (e as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') throw new AdminError(`user "${u.name}" already exists`, 409);
    throw e;
  }
  return { name: u.name, role: role.data, team, generatedPassword: generated };
}

export async function listUsers(store: Store): Promise<{ name: string; role: string; team: string | null }[]> {
  return store.orm.select({ name: users.name, role: users.role, team: users.team }).from(users).orderBy(asc(users.name));
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
  const rows = await store.query<{ id: number; name: string; role: Role; team: string | null; regions: string[] | null }>(
    `SELECT u.id, u.name, u.role, u.team, t.regions
     FROM tokens k JOIN users u ON u.id = k.user_id LEFT JOIN teams t ON t.name = u.team
     WHERE k.token_hash = $1`,
    [hashToken(token)],
    { prepare: true },
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, role: r.role, team: r.team, regions: r.regions ?? [] } : null;
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
