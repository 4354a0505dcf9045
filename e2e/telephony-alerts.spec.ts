// Getting the agent's attention on the web host: a ringing call while the agent works in another
// window raises a desktop notification (Notification API) with the caller's name and plays the
// ring tone; both stop when the call ends. Real Kamailio + SIPp; the browser APIs are the real
// ones, only watched (each constructor / oscillator start is counted, then passed through).
import { customerToCall, expect, ringAndCancel, test } from './support/telephony';

test.describe.configure({ mode: 'serial' });

const used = new Set<string>();

const WATCH = () => {
  const w = window as unknown as { __notes: { title: string; body: string; tag: string; closed: boolean }[]; __tones: number };
  w.__notes = [];
  w.__tones = 0;
  const Real = window.Notification;
  const Watched = function (this: unknown, title: string, options?: NotificationOptions) {
    const n = new Real(title, options);
    const rec = { title, body: options?.body ?? '', tag: options?.tag ?? '', closed: false };
    w.__notes.push(rec);
    const close = n.close.bind(n);
    n.close = () => {
      rec.closed = true;
      close();
    };
    return n;
  } as unknown as typeof Notification;
  Object.defineProperty(Watched, 'permission', { get: () => Real.permission });
  (Watched as unknown as { requestPermission: typeof Notification.requestPermission }).requestPermission = Real.requestPermission.bind(Real);
  window.Notification = Watched;
  // the agent is busy in another application: the page has no focus
  Document.prototype.hasFocus = () => false;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
    w.__tones++;
    return start.apply(this, args);
  };
};

test('a call ringing while the agent is in another window: notification with the caller, ring tone; both stop when it ends', async ({ agent, lab, labFeeds }) => {
  const a = await agent('1001');
  await a.page.addInitScript(WATCH);
  await a.page.reload();
  await expect(a.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  const state = () => a.page.evaluate(() => {
    const w = window as unknown as { __notes: { title: string; body: string; tag: string; closed: boolean }[]; __tones: number };
    return { notes: w.__notes, tones: w.__tones, permission: Notification.permission };
  });
  expect((await state()).permission).toBe('granted');

  const c = customerToCall(labFeeds, lab.region, used);
  const sipp = ringAndCancel(lab, { caller: c.national, target: '1001', ringMs: 6000 });
  await expect(a.card({ state: 'ringing' })).toBeVisible({ timeout: 5000 });
  await expect(a.pop()).toHaveAttribute('data-customer-id', c.customer.customerId);

  await expect.poll(async () => (await state()).notes.length).toBe(1);
  const note = (await state()).notes[0]!;
  expect(note.title).toBe('Incoming call');
  expect(note.body).toContain(c.customer.name);
  const callId = (await a.card({ state: 'ringing' }).getAttribute('data-call-id'))!;
  expect(note.tag).toBe(`pronto-call-${callId}`);
  // the ring tone: two tones of a double ring at once, again every 3 s while it rings
  await expect.poll(async () => (await state()).tones).toBeGreaterThanOrEqual(4);

  const r = await sipp;
  expect(r.code, r.stderr).toBe(0);
  await expect(a.page.locator(`[data-testid="call-card"][data-call-id="${callId}"]`)).toHaveAttribute('data-state', 'ended');
  await expect.poll(async () => (await state()).notes[0]!.closed).toBe(true);
  // silence once nothing rings: no new tone over more than one ring period
  const after = (await state()).tones;
  await a.page.waitForTimeout(3500);
  expect((await state()).tones).toBe(after);
  expect((await state()).notes).toHaveLength(1);
});

test('the pop itself is enough when the agent is looking at it: no notification then', async ({ agent, lab, labFeeds }) => {
  const a = await agent('1001');
  await a.page.addInitScript(() => {
    const w = window as unknown as { __notes: number };
    w.__notes = 0;
    const Real = window.Notification;
    const Watched = function (this: unknown, title: string, options?: NotificationOptions) {
      w.__notes++;
      return new Real(title, options);
    } as unknown as typeof Notification;
    Object.defineProperty(Watched, 'permission', { get: () => Real.permission });
    window.Notification = Watched;
    Document.prototype.hasFocus = () => true;
  });
  await a.page.reload();
  await expect(a.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  const c = customerToCall(labFeeds, lab.region, used);
  const sipp = ringAndCancel(lab, { caller: c.national, target: '1001', ringMs: 3000 });
  await expect(a.pop()).toHaveAttribute('data-customer-id', c.customer.customerId, { timeout: 5000 });
  const r = await sipp;
  expect(r.code, r.stderr).toBe(0);
  expect(await a.page.evaluate(() => (window as unknown as { __notes: number }).__notes)).toBe(0);
});
