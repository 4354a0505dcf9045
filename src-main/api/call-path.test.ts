// The one call path both hosts use: contract errors as envelopes, internal errors logged with
// their stack (the renderer gets none), slow calls logged with why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store';
import { DesktopApi } from './desktop-api';
import { createCallPath, httpStatus } from './call-path';
import { tempDir } from '../../test-support/desktop/fixtures';

let store: Store;
let api: DesktopApi;
let cleanup: () => void;

beforeAll(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  store = openStore(t.dir);
  api = new DesktopApi({ store, region: 'IT', host: 'web', wrapUpSeconds: 45 });
});
afterAll(() => {
  store.close();
  cleanup();
});

describe('call path', () => {
  it('answers a good call with its result', async () => {
    const log: string[] = [];
    const call = createCallPath(api, { log: (l) => log.push(l), slowMs: 60_000 });
    const reply = await call('settings', {});
    expect(reply).toEqual({ ok: true, result: { wrapUpSeconds: 45, region: 'IT' } });
    expect(httpStatus(reply)).toBe(200);
    expect(log).toEqual([]);
  });

  it('answers a contract error with its code and the field, and an unknown method as such', async () => {
    const call = createCallPath(api, { log: () => {}, slowMs: 60_000 });
    const bad = await call('lookup', { identity: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/^lookup: identity: /) } });
    expect(httpStatus(bad)).toBe(400);
    const unknown = await call('nope', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(httpStatus(unknown)).toBe(404);
  });

  it('logs an internal error with its stack and answers "internal" without it', async () => {
    const log: string[] = [];
    const broken = new DesktopApi({ store, region: 'IT', host: 'electron' });
    (broken.handlers as unknown as { settings: () => never }).settings = () => {
      throw new Error('disk on fire');
    };
    const reply = await createCallPath(broken, { log: (l) => log.push(l), slowMs: 60_000 })('settings', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'internal error (see the host log)' } });
    expect(httpStatus(reply)).toBe(500);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^api settings failed: Error: disk on fire\n\s+at /);
  });

  it('logs a call slower than the threshold with what the thread did', async () => {
    const log: string[] = [];
    await createCallPath(api, { log: (l) => log.push(l), slowMs: 0 })('settings', {});
    expect(log[0]).toMatch(/^slow api settings: \d+\.\d ms \(held the thread [\d.]+ ms, cpu [\d.]+ ms, gc /);
  });
});
