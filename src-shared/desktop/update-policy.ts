// When a downloaded update may be installed. electron-updater downloads in the background; the
// install restarts Pronto, which unregisters the softphone for a few seconds and would drop a live
// call. So: never during a call or its wrap-up, never while the page has not reported (the shell
// cannot know), and otherwise only when the agent is not taking calls (signed out, on a break) or
// has left the machine alone for a while with nothing happening.
import { inCall, type Presence } from './presence';

export interface UpdateSituation {
  presence: Presence;
  /** An update has been downloaded (and its signature/checksum verified by electron-updater). */
  downloaded: boolean;
  /** Seconds without keyboard or mouse input (powerMonitor.getSystemIdleTime). */
  systemIdleSeconds: number;
  /** Milliseconds since the last call ended (Infinity: none this run). */
  sinceLastCallMs: number;
}

export interface UpdatePolicyOptions {
  /** Input idle this long (and nothing else going on) counts as idle. */
  idleSeconds: number;
  /** A call that just ended: the agent is probably still on it (notes, a call back). */
  quietAfterCallMs: number;
}

export const UPDATE_POLICY_DEFAULTS: UpdatePolicyOptions = { idleSeconds: 10 * 60, quietAfterCallMs: 2 * 60_000 };

export type UpdateDecision = { action: 'wait' | 'install'; reason: string };

export function updateDecision(s: UpdateSituation, o: UpdatePolicyOptions = UPDATE_POLICY_DEFAULTS): UpdateDecision {
  const p = s.presence;
  if (!s.downloaded) return { action: 'wait', reason: 'nothing downloaded' };
  if (!p.softphone) return { action: 'wait', reason: 'the page has not reported its calls' };
  if (inCall(p)) return { action: 'wait', reason: 'a call is live' };
  if (p.softphone.wrapUp > 0 || p.agent?.kind === 'busy') return { action: 'wait', reason: 'after-call work' };
  if (s.sinceLastCallMs < o.quietAfterCallMs) return { action: 'wait', reason: 'a call just ended' };
  if (p.agent?.kind === 'offline' || p.agent?.kind === 'away') return { action: 'install', reason: `agent ${p.agent.kind}` };
  if (!p.agent && p.softphone.registration !== 'registered') return { action: 'install', reason: 'not taking calls (softphone not registered)' };
  if (s.systemIdleSeconds >= o.idleSeconds) return { action: 'install', reason: `no input for ${Math.floor(s.systemIdleSeconds / 60)} min` };
  return { action: 'wait', reason: 'the agent is at work' };
}

/** How often the shell asks the hub for an update (electron-updater's checkForUpdates). */
export const UPDATE_CHECK_INTERVAL_MS = 4 * 3_600_000;
/** How often a downloaded update re-asks updateDecision. */
export const UPDATE_DECISION_INTERVAL_MS = 60_000;

/**
 * The update feed must be https (or loopback, for a lab): electron-updater checks each download
 * against the sha512 in the feed's latest*.yml, which proves nothing if the feed itself came over
 * plain HTTP. (Windows and macOS builds also check the installer's code signature.)
 */
export function updateFeedProblem(url: string | undefined): string | null {
  if (!url) return 'no PRONTO_UPDATE_URL: automatic updates are off';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'PRONTO_UPDATE_URL is not a URL';
  }
  if (u.username || u.password) return 'PRONTO_UPDATE_URL must not carry credentials';
  if (u.protocol === 'https:') return null;
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(u.hostname);
  if (u.protocol === 'http:' && loopback) return null;
  return 'PRONTO_UPDATE_URL must be https:// (or http:// on loopback): updates are not checked over plain HTTP';
}
