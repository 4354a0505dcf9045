// Updates install only when the agent is idle, never during a call.
import { describe, expect, it } from 'vitest';
import { NO_PRESENCE, type ShellAgentState, type Presence } from './presence';
import { updateDecision, updateFeedProblem, type UpdateSituation } from './update-policy';

const phone = (registration: 'registered' | 'failed' | 'unconfigured', calls = 0, wrapUp = 0): Presence => ({ ...NO_PRESENCE, softphone: { registration, calls, wrapUp } });
const agent = (kind: ShellAgentState['kind']): ShellAgentState => ({ id: kind, label: kind, kind });
const at = (over: Partial<UpdateSituation>): UpdateSituation => ({
  presence: phone('registered'), downloaded: true, systemIdleSeconds: 0, sinceLastCallMs: Infinity, ...over,
});

describe('update policy', () => {
  it('never installs during a call, whatever else holds', () => {
    for (const presence of [phone('registered', 1), phone('failed', 3), { ...phone('registered', 1), agent: agent('offline') }]) {
      expect(updateDecision(at({ presence, systemIdleSeconds: 86_400 }))).toEqual({ action: 'wait', reason: 'a call is live' });
    }
  });

  it('waits during wrap-up, right after a call, and before the page reports', () => {
    expect(updateDecision(at({ presence: phone('registered', 0, 1), systemIdleSeconds: 86_400 })).reason).toBe('after-call work');
    expect(updateDecision(at({ presence: { ...phone('registered'), agent: agent('busy') }, systemIdleSeconds: 86_400 })).reason).toBe('after-call work');
    expect(updateDecision(at({ systemIdleSeconds: 86_400, sinceLastCallMs: 30_000 })).reason).toBe('a call just ended');
    expect(updateDecision(at({ presence: NO_PRESENCE, systemIdleSeconds: 86_400 })).reason).toBe('the page has not reported its calls');
  });

  it('waits while nothing is downloaded or the agent is at work', () => {
    expect(updateDecision(at({ downloaded: false, presence: phone('unconfigured') })).action).toBe('wait');
    expect(updateDecision(at({ systemIdleSeconds: 60 }))).toEqual({ action: 'wait', reason: 'the agent is at work' });
    expect(updateDecision(at({ presence: { ...phone('registered'), agent: agent('available') }, systemIdleSeconds: 599 })).action).toBe('wait');
  });

  it('installs when idle: no input for long enough, signed out, on a break, or not taking calls', () => {
    expect(updateDecision(at({ systemIdleSeconds: 600 }))).toEqual({ action: 'install', reason: 'no input for 10 min' });
    expect(updateDecision(at({ presence: { ...phone('registered'), agent: agent('offline') } })).action).toBe('install');
    expect(updateDecision(at({ presence: { ...phone('registered'), agent: agent('away') } })).action).toBe('install');
    expect(updateDecision(at({ presence: phone('unconfigured') })).action).toBe('install');
    expect(updateDecision(at({ presence: phone('failed') })).action).toBe('install');
  });

  it('takes its thresholds as options', () => {
    expect(updateDecision(at({ systemIdleSeconds: 30 }), { idleSeconds: 30, quietAfterCallMs: 0 }).action).toBe('install');
    expect(updateDecision(at({ systemIdleSeconds: 600, sinceLastCallMs: 1 }), { idleSeconds: 30, quietAfterCallMs: 0 }).action).toBe('install');
  });
});

describe('update feed', () => {
  it('is https, or http on loopback only', () => {
    expect(updateFeedProblem('https://hub.example.com/updates/')).toBeNull();
    expect(updateFeedProblem('http://127.0.0.1:8780/updates/')).toBeNull();
    expect(updateFeedProblem('http://localhost:8780/updates/')).toBeNull();
    expect(updateFeedProblem('http://hub.example.com/updates/')).toMatch(/must be https/);
    expect(updateFeedProblem('https://u:p@hub.example.com/')).toMatch(/credentials/);
    expect(updateFeedProblem(undefined)).toMatch(/off/);
    expect(updateFeedProblem('nope')).toMatch(/not a URL/);
  });
});
