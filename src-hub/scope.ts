// Who may see what. Data lives in buckets (see src-hub/db/schema.ts `changes`):
//   '*'            products — everyone
//   'r:<region>'   a customer of that region (customers.csv `region`) and its purchases,
//                  account, credit terms and notes
//   't:<team>'     contacts created by members of the team
//   'u:<user>'     contacts created by a user who has no team
// A user sees '*', the regions of their team (`pronto-hub team set`), their team's (or, without
// a team, their own) contacts. Admins — and supervisors without a team — see everything.
import { createHash } from 'node:crypto';
import type { Role } from '../src-shared/sync/protocol';

export const GLOBAL_BUCKET = '*';
export const regionBucket = (region: string): string => `r:${region}`;
export const teamBucket = (team: string): string => `t:${team}`;
export const userBucket = (user: string): string => `u:${user}`;

export interface AuthUser {
  id: number;
  name: string;
  role: Role;
  team: string | null;
  /** Regions of the team (empty without a team). */
  regions: string[];
  /** A wallboard's token: only routes that declare `config.display` accept it. */
  display?: true;
}

export interface Scope {
  all: boolean;
  buckets: string[];
  /** Fingerprint of (hub database, visible buckets): changes ⇒ the desktop must resync. */
  hash: string;
}

/** The bucket a user's own contacts go to. */
export function contactBucket(user: Pick<AuthUser, 'name' | 'team'>): string {
  return user.team ? teamBucket(user.team) : userBucket(user.name);
}

export function scopeOf(user: AuthUser, hubId: string): Scope {
  const all = user.role === 'admin' || (user.role === 'supervisor' && !user.team);
  const buckets = all ? [] : [GLOBAL_BUCKET, ...[...new Set(user.regions)].sort().map(regionBucket), contactBucket(user)];
  const hash = createHash('sha256').update(`${hubId}\n${all ? '<all>' : buckets.join('\n')}`).digest('base64url').slice(0, 22);
  return { all, buckets, hash };
}

export function inScope(scope: Scope, bucket: string): boolean {
  return scope.all || scope.buckets.includes(bucket);
}
