// Issue 20's commands of `pronto-hub` (in process, PostgreSQL): secrets from a file or stdin
// (never needed on the command line), user disable/enable/password, token revoke, token --hours.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { openStore, type Store } from '../db/store';
import { checkToken } from '../admin';
import { buildHub } from '../http/app';
import { startPostgres } from '../../test-support/hub/helpers';
import type { TestPostgres } from '../../test-support/hub/postgres';

let pg: TestPostgres;
let url: string;
let dir: string;
let store: Store;
beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pronto-hub-signin-cli-'));
  store = await openStore({ databaseUrl: url });
}, 120_000);
afterAll(async () => {
  await store?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const db = () => ['--database-url', url];

async function run(args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, ...db()], { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, stdin: async () => stdin ?? '' });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, 0o600);
  return p;
}

async function canLogin(name: string, password: string): Promise<number> {
  const app = await buildHub({ store });
  try {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { name, password }, remoteAddress: `10.3.0.${Math.floor(Math.random() * 250)}` });
    return res.statusCode;
  } finally {
    await app.close();
  }
}

describe('pronto-hub: secrets off the command line', () => {
  it('user add --password-file / --password-stdin; --password still works but warns', async () => {
    const add1 = await run(['user', 'add', '--name', 'fay', '--role', 'agent', '--password-file', file('fay.pw', 'from a file 123\n')]);
    expect(add1).toMatchObject({ code: 0, out: ['user fay (agent) added'], err: [] });
    expect(await canLogin('fay', 'from a file 123')).toBe(200);

    const add2 = await run(['user', 'add', '--name', 'gus', '--role', 'agent', '--password-stdin', '--display-name', 'Gus G.'], 'typed on stdin\n');
    expect(add2).toMatchObject({ code: 0, err: [] });
    expect(await canLogin('gus', 'typed on stdin')).toBe(200);

    const add3 = await run(['user', 'add', '--name', 'hal', '--role', 'agent', '--password', 'on the line 1']);
    expect(add3.code).toBe(0);
    expect(add3.err).toEqual([expect.stringMatching(/^warning: --password puts the secret on the command line.*--password-file FILE or stdin/)]);
    expect(await canLogin('hal', 'on the line 1')).toBe(200);

    expect((await run(['user', 'add', '--name', 'ivy', '--role', 'agent', '--password', 'x', '--password-stdin'], 'y')).code).toBe(2);
    expect((await run(['user', 'add', '--name', 'ivy', '--role', 'agent', '--password-stdin'], '\n'))).toMatchObject({ code: 1, err: ['pronto-hub: standard input: no password in it (the first line is empty)'] });
    expect((await run(['user', 'add', '--name', 'ivy', '--role', 'agent', '--password-file', join(dir, 'missing')])).code).toBe(1);
  });

  it('user password NAME from --password-file or stdin; revokes the tokens', async () => {
    const tok = (await run(['token', 'fay'])).out[0]!;
    const r = await run(['user', 'password', 'fay'], 'the second one\n');
    expect(r).toMatchObject({ code: 0, out: ['user fay: password changed (2 tokens revoked)'] }); // the CLI one and the login's
    expect((await checkToken(store, tok)).ok).toBe(false);
    expect(await canLogin('fay', 'the second one')).toBe(200);
    expect((await run(['user', 'password', 'fay', '--password-file', file('fay2.pw', 'the third one\r\n')])).code).toBe(0);
    expect(await canLogin('fay', 'the third one')).toBe(200);
    expect((await run(['user', 'password', 'ghost'], 'whatever 123'))).toMatchObject({ code: 1, err: ['pronto-hub: user "ghost" does not exist'] });
    expect((await run(['user', 'password', 'fay'], 'short')).err[0]).toMatch(/at least 8/);
  });
});

describe('pronto-hub: disable, enable, revoke, token lifetime', () => {
  it('user disable NAME stops logins and tokens; user enable NAME undoes it', async () => {
    const tok = (await run(['token', 'gus'])).out[0]!;
    expect(await run(['user', 'disable', 'gus'])).toMatchObject({ code: 0, out: ['user gus disabled (2 tokens revoked)'] });
    expect((await checkToken(store, tok)).ok).toBe(false);
    expect(await canLogin('gus', 'typed on stdin')).toBe(403);
    expect((await run(['token', 'gus'])).err[0]).toMatch(/user "gus" is disabled/);
    expect(await run(['user', 'enable', 'gus'])).toMatchObject({ code: 0, out: ['user gus enabled'] });
    expect(await canLogin('gus', 'typed on stdin')).toBe(200);
    expect((await run(['user', 'disable', 'ghost'])).code).toBe(1);
  });

  it('token revoke --user NAME; token NAME --hours H', async () => {
    const a = (await run(['token', 'hal'])).out[0]!;
    const b = (await run(['token', 'hal', '--hours', '2'])).out[0]!;
    const check = await checkToken(store, b);
    expect(check.ok && check.expiresAt).toBeTruthy();
    expect(check.ok && Date.parse(check.expiresAt!) - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
    const forever = await checkToken(store, a);
    expect(forever.ok && forever.expiresAt).toBeNull();
    expect(await run(['token', 'revoke', '--user', 'hal'])).toMatchObject({ code: 0, out: ['3 tokens of hal revoked'] }); // + the login's
    for (const t of [a, b]) expect((await checkToken(store, t)).ok).toBe(false);
    expect((await run(['token', 'revoke'])).code).toBe(2);
    expect((await run(['token', 'hal', '--hours', 'soon'])).code).toBe(2);
  });

  it('serve refuses a SIP server without a secret file, or a secret unfit for the PBX', async () => {
    expect((await run(['serve', '--sip-server', 'wss://pbx.example.com'])).err.join('\n')).toMatch(/needs PRONTO_HUB_AUTHEPH_SECRET_FILE/);
    expect((await run(['serve', '--sip-server', 'wss://pbx.example.com', '--autheph-secret-file', file('bad.secret', 'has "quotes" inside 1234')])).err.join('\n')).toMatch(/printable ASCII/);
    expect((await run(['serve', '--sip-server', 'ws://pbx.example.com', '--autheph-secret-file', file('ok.secret', 'abcdefghijklmnopqrstuvwxyz')])).err.join('\n')).toMatch(/need wss:\/\//);
  });
});
