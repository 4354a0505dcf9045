// The Electron build's own worker files: the packaged app cannot start the tsx bootstraps the web
// host uses, so electron-vite bundles each worker on its own (src-main/electron/main.ts,
// ?modulePath). These run the very files `electron-vite build` wrote (test:e2e builds first).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { REPO_ROOT } from './support/server';
import { openStore } from '../src-main/db/store';
import { startCallWriter } from '../src-main/services/call-writer';
import { CallService } from '../src-main/services/calls';
import { startCheckpointer } from '../src-main/db/checkpointer';

const chunk = (name: string): string => {
  const chunks = join(REPO_ROOT, 'out/main/chunks');
  const f = readdirSync(chunks).find((c) => c.startsWith(`${name}-`) && c.endsWith('.cjs'));
  expect(f, `no ${name} chunk in ${chunks}: run electron-vite build`).toBeTruthy();
  return join(chunks, f!);
};

test("the Electron build's call writer and checkpoint worker (their own bundled files) record calls and count the store", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pronto-bundled-'));
  const store = openStore(dir);
  const writer = startCallWriter(store, { entry: chunk('call-writer-worker') });
  const checkpointer = startCheckpointer(store, { entry: chunk('checkpoint-worker') });
  try {
    await expect.poll(() => writer.active && checkpointer.active, { timeout: 15_000 }).toBe(true);
    const call = { callId: 'bundled-1', direction: 'inbound' as const, remoteRaw: '02 8765 4321', remoteDisplay: '', line: '600', forwardedBy: null };
    await writer.offered(call, { normalized: '+390287654321', matchKind: 'none', customerId: null });
    expect(await writer.progress('bundled-1', 'cancelled')).toBe(true);
    expect(new CallService(store.sqlite).recent(5)).toMatchObject([{ callId: 'bundled-1', remoteE164: '+390287654321', line: '600', outcome: 'abandoned' }]);
    expect(await checkpointer.count()).toEqual([0, 0]);
  } finally {
    await writer.stop();
    await checkpointer.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
