// Login backoff per account (beside the per-address rate limit of POST /v1/auth/login): after
// `freeFailures` failed logins in a row for one name, that name is locked for `baseSeconds`,
// doubling with each further failure up to `maxSeconds`; a successful login clears it. Kept in
// the database (table login_failures), so every hub instance on one PostgreSQL sees the same
// count. Any typed name is counted, existing or not: a lockout tells nothing about which
// accounts exist. Someone who knows a name can keep it locked (at most `maxSeconds` at a time)
// — the price of per-account limits; the per-address limit slows that down too.
//
// Each attempt is counted (and the lock it earns set) in ONE statement BEFORE the password is
// checked, so parallel guesses cannot slip past a lock while the slow scrypt check runs.
import type { Queryable } from '../db/store';

export interface BackoffOptions {
  /** Failed logins allowed before the first lock (default 5). */
  freeFailures: number;
  /** The first lock, seconds (default 30); each further failure doubles it. */
  baseSeconds: number;
  /** Longest lock, seconds (default 900). */
  maxSeconds: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { freeFailures: 5, baseSeconds: 30, maxSeconds: 900 };

/** Seconds of lock earned by the n-th failure in a row (0 below the free ones). */
export function lockSeconds(n: number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  if (n < o.freeFailures) return 0;
  return Math.min(o.maxSeconds, o.baseSeconds * 2 ** Math.min(n - o.freeFailures, 30));
}

// $1 name, $2 now, $3 free failures, $4 base s, $5 max s. A row idle for a day counts from zero.
const COUNT = `
  WITH prev AS (SELECT CASE WHEN f.last_failure_at < $2::timestamptz - interval '1 day' THEN 0 ELSE f.failures END AS n
                FROM login_failures f WHERE f.name = $1)
  INSERT INTO login_failures AS f (name, failures, last_failure_at, locked_until)
  VALUES ($1, 1, $2::timestamptz, CASE WHEN 1 >= $3::int THEN $2::timestamptz + least($5::int, $4::int) * interval '1 second' END)
  ON CONFLICT (name) DO UPDATE SET
    failures = (SELECT n FROM prev) + 1,
    last_failure_at = $2::timestamptz,
    locked_until = CASE WHEN (SELECT n FROM prev) + 1 >= $3::int
      THEN $2::timestamptz + least($5::int, $4::int * power(2, least((SELECT n FROM prev) + 1 - $3::int, 30)))::int * interval '1 second' END
  WHERE f.locked_until IS NULL OR f.locked_until <= $2::timestamptz
  RETURNING f.failures`;

/**
 * Counts a login attempt for `name`. Returns null when it may go on (check the password; then
 * `loginSucceeded` or nothing), or the seconds to wait when the name is locked (answer 429).
 */
export async function countAttempt(q: Queryable, name: string, nowMs: number, o: BackoffOptions = DEFAULT_BACKOFF): Promise<number | null> {
  const now = new Date(nowMs).toISOString();
  const r = await q.query<{ failures: number }>(COUNT, [name, now, o.freeFailures, o.baseSeconds, o.maxSeconds]);
  if (r.length) return null;
  const lock = await q.query<{ locked_until: string | Date | null }>('SELECT locked_until FROM login_failures WHERE name = $1', [name]);
  const until = lock[0]?.locked_until ? new Date(lock[0].locked_until).getTime() : nowMs;
  return Math.max(1, Math.ceil((until - nowMs) / 1000));
}

/** A successful login: the name's count starts again. */
export async function loginSucceeded(q: Queryable, name: string): Promise<void> {
  await q.query('DELETE FROM login_failures WHERE name = $1', [name]);
}
