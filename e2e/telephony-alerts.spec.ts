// Getting the agent's attention on the web host: a ringing call while the agent works in another
// window raises a desktop notification (Notification API) with the caller's name and plays the
// ring tone; both stop when the call ends. Real Kamailio + SIPp; the browser APIs are the real
// ones, only watched (each constructor / oscillator start is counted, then passed through).
import { customerToCall, expect, ringAndCancel, test } from './support/telephony';

test.describe.configure({ mode: 'serial' });

const used = new Set<string>();

// Runs in the page before the app (plain JS: the browser's types are not in this Node program).
const WATCH = `
  window.__notes = [];
  window.__tones = 0;
  const Real = window.Notification;
  const Watched = function (title, options) {
    const n = new Real(title, options);
    const rec = { title, body: (options && options.body) || '', tag: (options && options.tag) || '', closed: false };
    window.__notes.push(rec);
    const close = n.close.bind(n);
    n.close = () => { rec.closed = true; close(); };
    return n;
  };
  Object.defineProperty(Watched, 'permission', { get: () => Real.permission });
  Watched.requestPermission = Real.requestPermission.bind(Real);
  window.Notification = Watched;
  // FOCUSED: true = the agent looks at the page; false = busy in another application
  Document.prototype.hasFocus = () => FOCUSED;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };
`;
const watch = (focused: boolean): string => WATCH.replace('FOCUSED;', `${focused};`);

interface Watched {
  notes: { title: string; body: string; tag: string; closed: boolean }[];
  tones: number;
  permission: string;
}
const STATE = '({ notes: window.__notes, tones: window.__tones, permission: Notification.permission })';

test('a call ringing while the agent is in another window: notification with the caller, ring tone; both stop when it ends', async ({ agent, lab, labFeeds }) => {
  const a = await agent('1001');
  await a.page.addInitScript(watch(false));
  await a.page.reload();
  await expect(a.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  const state = (): Promise<Watched> => a.page.evaluate(STATE);
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
  await a.page.addInitScript(watch(true));
  await a.page.reload();
  await expect(a.badge()).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });
  const c = customerToCall(labFeeds, lab.region, used);
  const sipp = ringAndCancel(lab, { caller: c.national, target: '1001', ringMs: 3000 });
  await expect(a.pop()).toHaveAttribute('data-customer-id', c.customer.customerId, { timeout: 5000 });
  const r = await sipp;
  expect(r.code, r.stderr).toBe(0);
  const seen: Watched = await a.page.evaluate(STATE);
  expect(seen.tones, 'it did ring').toBeGreaterThan(0);
  expect(seen.notes).toEqual([]);
});
