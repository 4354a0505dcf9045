// Registration against a fake UserAgent and Registerer: the backoff schedule of reconnects, one
// pending retry at a time, no retry after an authentication failure, kick() skipping the
// backoff, the watchdog after a wake, and callbacks of an older configuration ignored.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RegistererState, UserAgentState, type Registerer, type UserAgent } from 'sip.js';
import { backoffDelay } from './backoff';
import { Registration, REGISTER_WATCHDOG_MS } from './registration';
import { useTelephony } from './store';

class FakeUa {
  connected = false;
  state = UserAgentState.Stopped;
  starts = 0;
  /** What the next start()/reconnect() does. */
  connectResult: 'fail' | 'pending' = 'fail';
  disconnects = 0;
  transport = { disconnect: async () => void this.disconnects++ };
  isConnected(): boolean {
    return this.connected;
  }
  private connectOnce(): Promise<void> {
    this.starts++;
    this.state = UserAgentState.Started;
    return this.connectResult === 'fail' ? Promise.reject(new Error('WebSocket closed')) : new Promise(() => {});
  }
  start = () => this.connectOnce();
  reconnect = () => this.connectOnce();
}

type Listener = (s: RegistererState) => void;
class FakeRegisterer {
  listeners: Listener[] = [];
  onReject: ((r: { message: { statusCode: number; reasonPhrase: string } }) => void) | null = null;
  disposed = false;
  stateChange = { addListener: (l: Listener) => void this.listeners.push(l) };
  register(opts: { requestDelegate: { onReject: FakeRegisterer['onReject'] } }): Promise<void> {
    this.onReject = opts.requestDelegate.onReject;
    return new Promise(() => {});
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
  to(state: RegistererState): void {
    for (const l of this.listeners) l(state);
  }
  reject(statusCode: number, reasonPhrase: string): void {
    this.onReject?.({ message: { statusCode, reasonPhrase } });
  }
}

let ua: FakeUa;
let registerers: FakeRegisterer[];
let live: boolean;

let learnt: unknown[];

function setup(learnChallenge?: (response: never) => Promise<boolean>): { reg: Registration; gen: number } {
  ua = new FakeUa();
  registerers = [];
  learnt = [];
  live = false;
  const reg = new Registration({
    ...(learnChallenge ? { learnChallenge } : {}),
    hasLiveCalls: () => live,
    // the ceiling of each jitter window: the schedule is then exact
    delay: (attempt) => backoffDelay(attempt, () => 1),
    newRegisterer: () => {
      const r = new FakeRegisterer();
      registerers.push(r);
      return r as unknown as Registerer;
    },
  });
  const gen = reg.begin();
  return { reg, gen };
}

const regState = () => useTelephony.getState().reg;

beforeEach(() => {
  vi.useFakeTimers();
  useTelephony.setState({ reg: { kind: 'unconfigured' } });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reconnect backoff', () => {
  it('retries a failing connection at 0.5, 1, 2, 4, 4 … s, one attempt at a time', async () => {
    const { reg, gen } = setup();
    reg.attach(ua as unknown as UserAgent, gen);
    expect(ua.starts).toBe(1);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(0); // the failed start() schedules the retry
      const s = regState();
      expect(s.kind).toBe('connecting');
      if (s.kind !== 'connecting' || s.retryAt === null) throw new Error('no retry scheduled');
      expect(s.attempt).toBe(i + 1);
      expect(s.reason).toBe('WebSocket closed');
      const wait = s.retryAt - Date.now();
      waits.push(wait);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(ua.starts).toBe(i + 1); // not a millisecond early
      await vi.advanceTimersByTimeAsync(1);
      expect(ua.starts).toBe(i + 2);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('never stacks retries: a disconnect while one is pending adds none', async () => {
    const { reg, gen } = setup();
    ua.connectResult = 'pending';
    reg.attach(ua as unknown as UserAgent, gen);
    reg.onDisconnect(gen, new Error('gone'));
    reg.onDisconnect(gen, new Error('gone again'));
    expect(vi.getTimerCount()).toBe(1);
    expect(regState()).toMatchObject({ kind: 'connecting', attempt: 1, reason: 'gone' });
  });

  it('starts over from the shortest delay once registered', async () => {
    const { reg, gen } = setup();
    ua.connectResult = 'pending';
    reg.attach(ua as unknown as UserAgent, gen);
    reg.onDisconnect(gen);
    await vi.advanceTimersByTimeAsync(500);
    reg.onDisconnect(gen);
    expect(regState()).toMatchObject({ kind: 'connecting', attempt: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    ua.connected = true;
    reg.onConnect(gen);
    expect(regState().kind).toBe('registering');
    registerers.at(-1)!.to(RegistererState.Registered);
    expect(regState().kind).toBe('registered');
    ua.connected = false;
    reg.onDisconnect(gen, new Error('PBX restarted'));
    const s = regState();
    expect(s).toMatchObject({ kind: 'connecting', attempt: 1, reason: 'PBX restarted' });
    expect(s.kind === 'connecting' && s.retryAt! - Date.now()).toBe(500);
  });

  it('gets a lost registration back', async () => {
    const { reg, gen } = setup();
    ua.connected = true;
    reg.attach(ua as unknown as UserAgent, gen);
    registerers[0]!.to(RegistererState.Registered);
    registerers[0]!.to(RegistererState.Unregistered);
    expect(regState()).toMatchObject({ kind: 'connecting', attempt: 1, reason: 'registration lost' });
    await vi.advanceTimersByTimeAsync(500);
    expect(registerers).toHaveLength(2); // connected: straight to a new REGISTER
    expect(registerers[0]!.disposed).toBe(true);
  });
});

describe('authentication failure', () => {
  for (const code of [401, 403, 407]) {
    it(`${code} stops every retry until the settings change`, async () => {
      const { reg, gen } = setup();
      ua.connected = true;
      reg.attach(ua as unknown as UserAgent, gen);
      registerers[0]!.reject(code, 'Forbidden');
      expect(regState()).toEqual({ kind: 'failed', reason: 'auth', detail: `${code} Forbidden` });
      reg.onDisconnect(gen, new Error('closed'));
      reg.kick('online');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(regState().kind).toBe('failed');
      expect(registerers).toHaveLength(1);
      // new settings: a new generation tries again
      const next = reg.begin();
      reg.attach(ua as unknown as UserAgent, next);
      expect(registerers).toHaveLength(2);
      expect(regState().kind).toBe('registering');
    });
  }

  it('a 401 for a realm the host has just given HA1 for registers again at once; a second one is a failure', async () => {
    const { reg, gen } = setup((response) => Promise.resolve(learnt.push(response) === 1));
    ua.connected = true;
    reg.attach(ua as unknown as UserAgent, gen);
    registerers[0]!.reject(401, 'Unauthorized');
    await vi.advanceTimersByTimeAsync(0);
    expect(learnt).toHaveLength(1);
    expect(registerers).toHaveLength(2); // at once, no backoff
    expect(regState().kind).toBe('registering');
    registerers[1]!.reject(401, 'Unauthorized');
    await vi.advanceTimersByTimeAsync(0);
    expect(regState()).toEqual({ kind: 'failed', reason: 'auth', detail: '401 Unauthorized' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(registerers).toHaveLength(2);
  });

  it('other rejections are retried with backoff', () => {
    const { reg, gen } = setup();
    ua.connected = true;
    reg.attach(ua as unknown as UserAgent, gen);
    registerers[0]!.reject(503, 'Service Unavailable');
    expect(regState()).toMatchObject({ kind: 'connecting', attempt: 1, reason: '503 Service Unavailable' });
  });
});

describe('kick and watchdog', () => {
  it('kick() skips the pending backoff and connects at once', async () => {
    const { reg, gen } = setup();
    reg.attach(ua as unknown as UserAgent, gen);
    await vi.advanceTimersByTimeAsync(0);
    expect(regState()).toMatchObject({ kind: 'connecting', attempt: 1 });
    ua.connectResult = 'pending';
    reg.kick('online');
    expect(ua.starts).toBe(2);
    expect(regState()).toEqual({ kind: 'connecting', attempt: 0, retryAt: null, reason: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after a wake, an unanswered REGISTER drops the socket (not during a call)', async () => {
    const { reg, gen } = setup();
    ua.connected = true;
    reg.attach(ua as unknown as UserAgent, gen);
    registerers[0]!.to(RegistererState.Registered);
    useTelephony.setState({ reg: { kind: 'connecting', attempt: 0, retryAt: null, reason: null } });
    reg.kick('wake');
    await vi.advanceTimersByTimeAsync(REGISTER_WATCHDOG_MS);
    expect(ua.disconnects).toBe(1);
    live = true;
    reg.kick('wake');
    await vi.advanceTimersByTimeAsync(REGISTER_WATCHDOG_MS);
    expect(ua.disconnects).toBe(1);
  });

  it('a REGISTER answered in time stops the watchdog', async () => {
    const { reg, gen } = setup();
    ua.connected = true;
    reg.attach(ua as unknown as UserAgent, gen);
    reg.kick('online');
    registerers.at(-1)!.to(RegistererState.Registered);
    await vi.advanceTimersByTimeAsync(REGISTER_WATCHDOG_MS);
    expect(ua.disconnects).toBe(0);
  });
});

it('ignores the callbacks of an older configuration', async () => {
  const { reg, gen } = setup();
  ua.connectResult = 'pending';
  reg.attach(ua as unknown as UserAgent, gen);
  const next = reg.begin();
  reg.onDisconnect(gen, new Error('old socket closed'));
  reg.onConnect(gen);
  expect(vi.getTimerCount()).toBe(0);
  expect(registerers).toHaveLength(0);
  expect(reg.isCurrent(next)).toBe(true);
});

describe('the line shown on the badge', () => {
  it('is the address user, never a hub credential\'s <expiry>:<extension>', async () => {
    const { lineOf } = await import('./line');
    expect(lineOf('sip:1001@pbx.example.com', '1796726966:1001')).toBe('1001');
    expect(lineOf('', '1796726966:1001')).toBe('1001');
    expect(lineOf('sip:1002@127.0.0.1', '1002')).toBe('1002');
  });
});
