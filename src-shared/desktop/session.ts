// The desktop's sign-in session as the renderer sees it (issue 20): who is signed in at which hub,
// the role the hub gave (the supervisor entry follows it, never a desktop setting), the softphone's
// provisioning status and why an account sees no customers. Never the token, never a SIP password.
import { z } from 'zod';
import { Role } from '../sync/protocol';

export const SipStatus = z.object({
  extension: z.string(),
  /** The PBX's WebSocket address the hub named. */
  server: z.string(),
  /** When the current credential stops working (renewed before: GET /v1/me/sip). */
  expiresAt: z.string(),
  /** false: the agent's own softphone settings override the provisioned ones (a PBX the hub does not manage). */
  inUse: z.boolean(),
});
export type SipStatus = z.infer<typeof SipStatus>;

export const SessionView = z.object({
  /** 'session': signed in here; 'env': a token from PRONTO_HUB_TOKEN (no sign-in); 'none'. */
  mode: z.enum(['none', 'env', 'session']),
  signedIn: z.boolean(),
  user: z.string().nullable(),
  role: Role.nullable(),
  team: z.string().nullable(),
  displayName: z.string().nullable(),
  hubUrl: z.string().nullable(),
  /** The hub address was preset by the installer (config file or PRONTO_HUB_URL): the form hides it. */
  hubPreset: z.boolean(),
  /** The app needs a sign-in to work (a preset hub, or the session expired): the sign-in screen shows. */
  required: z.boolean(),
  /** The hub refused the token (expired or revoked): sign in again; unsent work is kept. */
  expired: z.boolean(),
  sip: SipStatus.nullable(),
  /** false: the account sees no customers (no team, or a team without regions); null: unknown. */
  customersVisible: z.boolean().nullable(),
  /** Why not, in the hub's words (the renderer shows its own text for customersVisible false). */
  notice: z.string().nullable(),
  /** The token survives a restart (Electron with OS encryption); false: sign in at each start. */
  tokenPersisted: z.boolean(),
  /** Work of other agents of this desk still waiting for them to sign in (count of outbox rows). */
  othersPending: z.number().int().min(0),
});
export type SessionView = z.infer<typeof SessionView>;

export const SignInFailure = z.enum([
  'wrong_password', 'user_disabled', 'unreachable', 'too_many_attempts', 'bad_hub', 'hub_error',
]);
export type SignInFailure = z.infer<typeof SignInFailure>;

export const SignInInput = z.object({
  /** Omitted (or '') when the installer preset the hub. */
  hubUrl: z.string().max(500).optional(),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1000),
});

export const SignInResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), session: SessionView }),
  z.object({ ok: z.literal(false), reason: SignInFailure, message: z.string() }),
]);
export type SignInResult = z.infer<typeof SignInResult>;

export const SignOutResult = z.object({
  ok: z.boolean(),
  /** Outbox rows delivered before signing out. */
  pushed: z.number().int().min(0),
  /** Rows still waiting (offline): kept, tagged with this agent, sent at their next sign-in. */
  kept: z.number().int().min(0),
  /** The hub revoked the token (false: unreachable; the token is forgotten here anyway). */
  revoked: z.boolean(),
});
