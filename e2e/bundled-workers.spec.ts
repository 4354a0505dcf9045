// The Electron build's own worker files: the packaged app cannot start the tsx bootstraps the web
// host uses, so electron-vite bundles each worker of the list (src-shared/node/worker-entries.ts)
// as out/main/workers/<name>.cjs. These run the very files `electron-vite build` wrote (test:e2e
// builds first); the sync thread and the pull worker run in hub-cases.spec.ts.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { REPO_ROOT } from './support/server';
import { openStore } from '../src-main/db/store';
import { startCallWriter } from '../src-main/services/call-writer';
import { CallService } from '../src-main/services/calls';
import { startCheckpointer } from '../src-main/db/checkpointer';
import { startWorker } from '../src-shared/node/worker-host';
import { WORKER_NAMES, bundledWorkerFile, type WorkerName } from '../src-shared/node/worker-entries';
import type { ParseWorkerProtocol, ParsedMsg } from '../src-shared/feeds/node/parallel';

const BUNDLE = join(REPO_ROOT, 'out/main');
const bundled = (name: WorkerName): string => {
  const f = join(BUNDLE, bundledWorkerFile(name));
  expect(existsSync(f), `no ${f}: run electron-vite build`).toBe(true);
  return f;
};

test('the Electron build has a file for every worker of the list', () => {
  for (const name of WORKER_NAMES) bundled(name);
});

test("the Electron build's call writer and checkpoint worker (their own bundled files) record calls and count the store", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pronto-bundled-'));
  const store = openStore(dir);
  const writer = startCallWriter(store, { entry: bundled('call-writer') });
  const checkpointer = startCheckpointer(store, { entry: bundled('checkpoint') });
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

test("the Electron build's parse worker (its own bundled file) parses a feed in batches", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pronto-bundled-'));
  const path = join(dir, 'products.csv');
  writeFileSync(path, `sku,name,category,family,tier,price,currency,margin
P1,Espresso machine,machines,espresso,1,299.00,EUR,0.3
P2,Descaler pack,supplies,care,1,14.90,EUR,0.5
P3,Grinder,machines,grind,1,99.00,EUR,0.3
`);
  const got: ParsedMsg[] = [];
  const parser = startWorker<ParseWorkerProtocol>('parse', {
    bundle: BUNDLE,
    data: { kind: 'products', path, batchSize: 2 },
    on: {
      parsed: (m) => {
        got.push(m);
        if (m.type === 'batch') parser?.send('ack');
      },
    },
  });
  try {
    expect(parser).not.toBeNull();
    await expect.poll(() => got.at(-1)?.type, { timeout: 15_000 }).toBe('done');
    expect(got[0]!.type).toBe('batch'); // acknowledged, then the rest
    expect(got.at(-1)).toMatchObject({ seen: 3, problems: [] });
  } finally {
    await parser?.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
});
