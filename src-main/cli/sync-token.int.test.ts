// `pronto sync --token-file` (issue 20): the token from a file or stdin, never needed on the
// command line; --token still works with a warning. The real bin against a hub on PGlite.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHub } from '../../src-hub/http/app';
import type { Store } from '../../src-hub/db/store';
import { seedPeople, testStore } from '../../test-support/hub/helpers';
import { tempDir } from '../../test-support/desktop/fixtures';

let store: Store;
let hub: FastifyInstance;
let url: string;
let token: string;
let dir: string;
let cleanup = () => {};

beforeAll(async () => {
  store = await testStore('pglite');
  token = (await seedPeople(store)).north;
  hub = await buildHub({ store });
  url = await hub.listen({ port: 0, host: '127.0.0.1' });
  ({ dir, cleanup } = tempDir('pronto-sync-token-'));
}, 60_000);
afterAll(async () => {
  await hub?.close();
  await store?.close();
  cleanup();
});

function pronto(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, PRONTO_HUB_TOKEN: '', PRONTO_HUB_URL: '' };
    const child = spawn(process.execPath, ['bin/pronto.mjs', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('pronto sync: the token off the command line', () => {
  it('--token-file FILE and --token-file - (stdin) sync; neither shows the token in the arguments', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const a = await pronto(['sync', '--data-dir', join(dir, 'a'), '--hub', url, '--token-file', file, '--once']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/^pushed 0 \(rejected 0\), pulled \d+ changes/);
    expect(a.err).not.toMatch(/warning/);
    const b = await pronto(['sync', '--data-dir', join(dir, 'b'), '--hub', url, '--token-file', '-', '--once'], `${token}\n`);
    expect(b.code, b.err).toBe(0);
  }, 60_000);

  it('--token still works, with a warning; both at once, an empty file, are refused', async () => {
    const c = await pronto(['sync', '--data-dir', join(dir, 'c'), '--hub', url, '--token', token, '--once']);
    expect(c.code, c.err).toBe(0);
    expect(c.err).toMatch(/warning: --token puts the token on the command line/);
    expect((await pronto(['sync', '--data-dir', join(dir, 'd'), '--hub', url, '--token', token, '--token-file', '-', '--once'])).code).toBe(2);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect((await pronto(['sync', '--data-dir', join(dir, 'd'), '--hub', url, '--token-file', empty, '--once'])).err).toMatch(/holds no token/);
  }, 60_000);
});
