// The Electron bridge reads the preload's envelopes like the web bridge reads the web host's:
// results checked against the contract, host errors with their codes, events checked too.
import { describe, expect, it, vi } from 'vitest';
import type { ExposedBridge } from '../../src-shared/api/bridge';
import { createElectronBridge } from './index.electron';

const status = { dataDir: '/d', region: 'IT', customers: 1, purchases: 2, demo: null, host: 'electron' };

function exposed(reply: unknown, emit?: (l: (p: unknown) => void) => void): ExposedBridge {
  return {
    invoke: vi.fn(async () => reply as never),
    on: (_event, listener) => {
      emit?.(listener as (p: unknown) => void);
      return () => {};
    },
  };
}

describe('Electron bridge', () => {
  it('returns the result of an ok envelope', async () => {
    await expect(createElectronBridge(exposed({ ok: true, result: status })).invoke('status', {})).resolves.toEqual(status);
  });
  it('a result outside the contract fails as bad_response', async () => {
    await expect(createElectronBridge(exposed({ ok: true, result: { nope: 1 } })).invoke('status', {})).rejects.toMatchObject({ code: 'bad_response' });
  });
  it("a host error keeps the host's code and message", async () => {
    const b = createElectronBridge(exposed({ ok: false, error: { code: 'bad_request', message: 'lookup: identity: too long' } }));
    await expect(b.invoke('lookup', { identity: 'x' })).rejects.toMatchObject({ code: 'bad_request', message: 'lookup: identity: too long' });
  });
  it('a refused IPC call (untrusted frame) surfaces as a BridgeError', async () => {
    const e: ExposedBridge = { invoke: async () => { throw new Error('IPC from an untrusted frame refused'); }, on: () => () => {} };
    await expect(createElectronBridge(e).invoke('status', {})).rejects.toMatchObject({ name: 'BridgeError', code: 'internal' });
  });
  it('drops a malformed event and passes a well-formed one', () => {
    const got: unknown[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    createElectronBridge(exposed(null, (l) => { l({ reason: 42 }); l({ reason: 'sync: 3 changes' }); })).on('storeChanged', (p) => got.push(p));
    expect(got).toEqual([{ reason: 'sync: 3 changes' }]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
